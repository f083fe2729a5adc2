package io.memstream.dedup.kafka;

import io.memstream.common.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * Dead letters in the one shape the whole pipeline uses, spring-kafka's recoverer's: the record as
 * it arrived, and in the {@code kafka_dlt-*} headers where it came from and why it was parked, so
 * that one reader understands every stage's dead letters.
 */
public final class DeadLetterRecords {

    private DeadLetterRecords() {}

    /** The source record of a Streams task that cannot be processed, with the reason. */
    public static ProducerRecord<byte[], byte[]> from(ErrorHandlerContext context, Exception exception) {
        return of(
                context.topic(),
                context.partition(),
                context.offset(),
                context.sourceRawKey(),
                context.sourceRawValue(),
                exception.getClass().getName(),
                reason(exception));
    }

    /**
     * A dead letter; {@code partition} and {@code offset} are null for what was not read from a topic
     * (a row the embedding backfill gives up on), {@code exceptionClass} when nothing was thrown.
     */
    public static ProducerRecord<byte[], byte[]> of(
            String originalTopic,
            Integer partition,
            Long offset,
            byte[] key,
            byte[] value,
            String exceptionClass,
            String reason) {
        List<Header> headers = new ArrayList<>();
        if (originalTopic != null) {
            headers.add(text(KafkaHeaders.DLT_ORIGINAL_TOPIC, originalTopic));
        }
        if (partition != null && partition >= 0) {
            headers.add(new RecordHeader(
                    KafkaHeaders.DLT_ORIGINAL_PARTITION,
                    ByteBuffer.allocate(Integer.BYTES).putInt(partition).array()));
        }
        if (offset != null && offset >= 0) {
            headers.add(new RecordHeader(
                    KafkaHeaders.DLT_ORIGINAL_OFFSET,
                    ByteBuffer.allocate(Long.BYTES).putLong(offset).array()));
        }
        if (exceptionClass != null) {
            headers.add(text(KafkaHeaders.DLT_EXCEPTION_FQCN, exceptionClass));
        }
        headers.add(text(KafkaHeaders.DLT_EXCEPTION_MESSAGE, reason));
        return new ProducerRecord<>(Topics.DEAD_LETTERS, null, key, value, headers);
    }

    /** Every message down the cause chain: a wrapper's says where, its cause's says why. */
    public static String reason(Throwable failure) {
        StringBuilder reason = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message == null || reason.indexOf(message) >= 0) {
                continue;
            }
            if (!reason.isEmpty()) {
                reason.append(": ");
            }
            reason.append(message);
        }
        return reason.isEmpty() ? failure.getClass().getName() : reason.toString();
    }

    private static Header text(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
