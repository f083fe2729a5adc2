package io.memstream.dedup.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every partition of the topology's input a committed offset for the Streams group before
 * the topology starts: the partition's start, where the group has none yet. In KillAndRestartIT,
 * a restart after SIGKILL lost the first candidates of partitions the killed process had never
 * committed (Kafka Streams 4.2.2, about half of the runs); with a committed offset for every
 * partition from the first start, that condition never arises. It made the losses rarer, not
 * impossible (see DedupKafkaConfig). Only an empty group accepts offsets: while a killed process's
 * member is still in the group nothing is written, and none is needed, since the first start wrote
 * them.
 */
final class InitialOffsets {

    private static final Logger log = LoggerFactory.getLogger(InitialOffsets.class);
    private static final long TIMEOUT_SECONDS = 30;

    private InitialOffsets() {}

    static void commitWhereMissing(Map<String, Object> adminConfig, String group, String topic) {
        try (Admin admin = Admin.create(adminConfig)) {
            int partitions = admin.describeTopics(java.util.List.of(topic))
                    .allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .size();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> missing = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                if (committed.get(tp) == null) {
                    missing.put(tp, OffsetSpec.earliest());
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> starts = new HashMap<>();
            admin.listOffsets(missing)
                    .all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .forEach((tp, info) -> starts.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, starts).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            log.info("dedup: committed the start of {} partitions of {} for group {}", starts.size(), topic, group);
        } catch (ExecutionException | TimeoutException e) {
            // A group with members (a restart within the session timeout) refuses; Streams starts anyway.
            log.warn(
                    "dedup: could not commit initial offsets of {} for group {} ({}); starting without",
                    topic,
                    group,
                    e.getCause() == null ? e.toString() : e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while committing initial offsets", e);
        }
    }
}
