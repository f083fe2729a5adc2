package io.memstream.dedup.kafka;

import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A change the topology cannot serialize is the source record's fault: that record goes to the
 * dead-letter topic with the reason, and processing goes on. A failure to send is not the record's,
 * so it keeps Kafka's default: retried when retriable, otherwise the task fails. Never dropped.
 */
public class DeadLetteringProductionHandler extends DefaultProductionExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetteringProductionHandler.class);

    @Override
    @SuppressWarnings("rawtypes") // the interface declares the record raw
    public Response handleSerializationError(
            ErrorHandlerContext context,
            ProducerRecord record,
            Exception exception,
            SerializationExceptionOrigin origin) {
        log.warn(
                "dedup: what {}-{}@{} produced for {} cannot be serialized ({}); the source record is dead-lettered",
                context.topic(),
                context.partition(),
                context.offset(),
                record.topic(),
                DeadLetterRecords.reason(exception));
        return Response.resume(List.of(DeadLetterRecords.from(context, exception)));
    }
}
