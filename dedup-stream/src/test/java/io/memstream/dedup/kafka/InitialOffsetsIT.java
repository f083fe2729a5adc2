package io.memstream.dedup.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.memstream.common.topics.Topics;
import io.memstream.testkit.SharedKafka;
import io.memstream.testkit.TestInfra;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Every input partition gets a committed offset for the Streams group, and none is moved. */
class InitialOffsetsIT {

    private static final String TOPIC = Topics.FACT_CANDIDATES.name();

    private final Map<String, Object> config =
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());

    private Map<TopicPartition, Long> committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get()
                .forEach((tp, o) -> {
                    if (o != null) {
                        out.put(tp, o.offset());
                    }
                });
        return out;
    }

    @Test
    void aPartitionWithoutAnOffsetGetsItsStartAndACommittedOneStays() throws Exception {
        String group = TestInfra.uniqueId("dedup-group");
        TopicPartition first = new TopicPartition(TOPIC, 0);
        try (Admin admin = Admin.create(config)) {
            int partitions = admin.describeTopics(java.util.List.of(TOPIC))
                    .allTopicNames()
                    .get()
                    .get(TOPIC)
                    .partitions()
                    .size();
            long end = admin.listOffsets(Map.of(first, OffsetSpec.latest()))
                    .all()
                    .get()
                    .get(first)
                    .offset();
            // As if a process had committed partition 0 up to its end and died.
            admin.alterConsumerGroupOffsets(group, Map.of(first, new OffsetAndMetadata(end)))
                    .all()
                    .get();

            InitialOffsets.commitWhereMissing(config, group, TOPIC);

            Map<TopicPartition, Long> offsets = committed(admin, group);
            assertThat(offsets).hasSize(partitions).containsEntry(first, end);
            for (int p = 1; p < partitions; p++) {
                TopicPartition tp = new TopicPartition(TOPIC, p);
                long start = admin.listOffsets(Map.of(tp, OffsetSpec.earliest()))
                        .all()
                        .get()
                        .get(tp)
                        .offset();
                assertThat(offsets).containsEntry(tp, start);
            }
        }
    }
}
