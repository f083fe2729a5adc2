package io.memstream.testkit;

import io.memstream.common.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** What reached the dead-letter topic, with the reason and origin spring-kafka records in headers. */
public final class DeadLetters {

    public record Letter(String value, String originalTopic, String reason) {}

    private DeadLetters() {}

    public static List<Letter> all() {
        return TopicProbe.records(Topics.DEAD_LETTERS).stream()
                .map(DeadLetters::letter)
                .toList();
    }

    private static Letter letter(ConsumerRecord<byte[], byte[]> r) {
        return new Letter(
                r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8),
                header(r, "kafka_dlt-original-topic"),
                header(r, "kafka_dlt-exception-message"));
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
