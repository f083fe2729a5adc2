package io.memstream.testkit;

import static org.awaitility.Awaitility.await;

import io.memstream.common.topics.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A barrier for tests that assert that a candidate changed nothing: nothing to wait for appears, so
 * they wait until dedup-stream has merged every candidate on the topic so far. Kafka Streams commits
 * its input offsets in the transaction that writes the changes, so a committed offset past a
 * candidate means its changes (if any) are on the changelog.
 */
public final class DedupProgress {

    private DedupProgress() {}

    /** Waits until the dedup application has merged every candidate written before this call. */
    public static void awaitMerged(String applicationId, Duration atMost) {
        Map<TopicPartition, Long> written = TopicProbe.endOffsets(Topics.FACT_CANDIDATES.name());
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()))) {
            await().atMost(atMost)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> merged(admin, applicationId, written));
        }
    }

    private static boolean merged(Admin admin, String applicationId, Map<TopicPartition, Long> written)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata()
                .get();
        return written.entrySet().stream().allMatch(e -> {
            OffsetAndMetadata at = committed.get(e.getKey());
            return e.getValue() == 0 || (at != null && at.offset() >= e.getValue());
        });
    }
}
