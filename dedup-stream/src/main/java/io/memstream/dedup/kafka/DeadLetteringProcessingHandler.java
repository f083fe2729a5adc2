package io.memstream.dedup.kafka;

import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A candidate the topology cannot process (its merge cannot be stored, a rule throws on it) goes to
 * the dead-letter topic with the reason, sent in the task's own transaction, and the next one is
 * merged. Without this, exactly-once processing reads the same record again after every restart and
 * the topology never moves past it. Kafka's own failures (a state store, the producer) are not the
 * record's: they still fail the task, which retries from the last commit.
 */
public class DeadLetteringProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetteringProcessingHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (exception instanceof StreamsException) {
            return Response.fail();
        }
        log.warn(
                "dedup: {}-{}@{} cannot be processed ({}); dead-lettered",
                context.topic(),
                context.partition(),
                context.offset(),
                DeadLetterRecords.reason(exception));
        return Response.resume(List.of(DeadLetterRecords.from(context, exception)));
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // Nothing to configure: dead letters always go to Topics.DEAD_LETTERS.
    }
}
