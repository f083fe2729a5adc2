package io.memstream.dedup.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactEvent;
import io.memstream.common.events.FactEvent.Change;
import io.memstream.common.events.FactKey;
import io.memstream.common.json.Json;
import io.memstream.common.topics.Topics;
import io.memstream.dedup.merge.DedupSettings;
import io.memstream.dedup.merge.DedupTopology;
import io.memstream.dedup.merge.FactState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.StringNode;

/**
 * The topology's poison-pill handlers, driven through the real topology with the production
 * configuration: a candidate that cannot be merged is dead-lettered with the reason and the next
 * one is merged; the key's state never moves without its change.
 */
class StreamsDeadLettersTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final FactKey HOSTILE = new FactKey("t-hostile", "u1", "default", "profile");
    private static final FactKey FINE = new FactKey("t-fine", "u1", "default", "diet");

    /** Arrays nested this deep: the API accepts a value of 499, and the stored state is two deeper. */
    static JsonNode nested(int depth) {
        JsonNode node = StringNode.valueOf("x");
        for (int i = 0; i < depth; i++) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            array.add(node);
            node = array;
        }
        return node;
    }

    private static FactCandidate candidate(FactKey key, JsonNode value, double confidence, String turn, Instant at) {
        return new FactCandidate(
                "c-" + turn,
                key,
                value,
                "User's " + key.key() + ".",
                null,
                List.of(),
                List.of(),
                confidence,
                List.of(turn),
                null,
                confidence == 1.0 ? "explicit" : "rules/1",
                at,
                null);
    }

    private static TopologyTestDriver driver(Topology topology) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dedup-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.putAll(DedupKafkaConfig.errorHandlers());
        return new TopologyTestDriver(topology, props);
    }

    private static TopologyTestDriver dedup() {
        StreamsBuilder builder = new StreamsBuilder();
        DedupTopology.build(builder, DedupSettings.DEFAULTS);
        return driver(builder.build());
    }

    private static TestOutputTopic<byte[], byte[]> deadLetters(TopologyTestDriver driver) {
        return driver.createOutputTopic(Topics.DEAD_LETTERS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void aCandidateWhoseMergeCannotBeStoredIsDeadLetteredWithTheReasonAndTheNextIsMerged() {
        try (TopologyTestDriver driver = dedup()) {
            var spec = Topics.FACT_CANDIDATES;
            var in = driver.createInputTopic(
                    spec.name(), spec.keySerde().serializer(), spec.valueSerde().serializer());
            var changes = driver.createOutputTopic(
                    Topics.FACT_CHANGELOG.name(),
                    Topics.FACT_CHANGELOG.keySerde().deserializer(),
                    Topics.FACT_CHANGELOG.valueSerde().deserializer());
            FactCandidate deep = candidate(HOSTILE, nested(499), 1.0, "turn-deep", T0);

            in.pipeInput(HOSTILE, deep);
            in.pipeInput(FINE, candidate(FINE, StringNode.valueOf("vegan"), 0.8, "turn-fine", T0));

            List<FactEvent> out = changes.readValuesToList();
            assertThat(out).singleElement().satisfies(e -> {
                assertThat(e.change()).isEqualTo(Change.CREATED);
                assertThat(e.factKey()).isEqualTo(FINE);
            });
            var letter = deadLetters(driver).readRecord();
            assertThat(letter.value()).isEqualTo(spec.valueSerde().serialize(spec.name(), deep));
            assertThat(header(letter.headers(), "kafka_dlt-original-topic")).isEqualTo(spec.name());
            assertThat(header(letter.headers(), "kafka_dlt-exception-message"))
                    .contains("cannot write")
                    .contains("nesting depth");
            KeyValueStore<FactKey, FactState> store = driver.getKeyValueStore(DedupTopology.STORE);
            assertThat(store.get(HOSTILE)).isNull();
        }
    }

    @Test
    void aChangeThatCannotBeWrittenLeavesTheKeysStateAsItWas() {
        try (TopologyTestDriver driver = dedup()) {
            var spec = Topics.FACT_CANDIDATES;
            var in = driver.createInputTopic(
                    spec.name(), spec.keySerde().serializer(), spec.valueSerde().serializer());
            var changes = driver.createOutputTopic(
                    Topics.FACT_CHANGELOG.name(),
                    Topics.FACT_CHANGELOG.keySerde().deserializer(),
                    Topics.FACT_CHANGELOG.valueSerde().deserializer());
            in.pipeInput(HOSTILE, candidate(HOSTILE, StringNode.valueOf("set by the user"), 1.0, "turn-1", T0));
            changes.readValuesToList();
            KeyValueStore<FactKey, FactState> store = driver.getKeyValueStore(DedupTopology.STORE);
            FactState before = store.get(HOSTILE);

            // Rejected against the explicit value: the state would stay shallow, the change would not.
            in.pipeInput(HOSTILE, candidate(HOSTILE, nested(499), 0.5, "turn-2", T0.plusSeconds(60)));

            assertThat(changes.isEmpty()).isTrue();
            assertThat(store.get(HOSTILE)).isEqualTo(before);
            assertThat(header(deadLetters(driver).readRecord().headers(), "kafka_dlt-exception-message"))
                    .contains("cannot write FactEvent");
        }
    }

    @Test
    void aValueTheSinkCannotSerializeDeadLettersItsSourceRecordAndTheNextIsSent() {
        var poisonous = Serdes.serdeFrom(
                (topic, value) -> {
                    if (value.equals("poison")) {
                        throw new SerializationException("cannot write poison");
                    }
                    return value.getBytes(StandardCharsets.UTF_8);
                },
                (topic, bytes) -> new String(bytes, StandardCharsets.UTF_8));
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .to("out", Produced.with(Serdes.String(), poisonous));
        try (TopologyTestDriver driver = driver(builder.build())) {
            var in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
            var out = driver.createOutputTopic("out", new ByteArrayDeserializer(), new ByteArrayDeserializer());

            in.pipeInput("k", "poison");
            in.pipeInput("k", "fine");

            assertThat(new String(out.readValue(), StandardCharsets.UTF_8)).isEqualTo("fine");
            var letter = deadLetters(driver).readRecord();
            assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("poison");
            assertThat(header(letter.headers(), "kafka_dlt-original-topic")).isEqualTo("in");
            assertThat(header(letter.headers(), "kafka_dlt-exception-message")).contains("cannot write poison");
        }
    }

    @Test
    void aSendThatFailsIsRetriedOrFailsTheTaskButIsNeverDropped() {
        var handler = new DeadLetteringProductionHandler();
        handler.configure(Map.of());
        var sent = new ProducerRecord<byte[], byte[]>(Topics.FACT_CHANGELOG.name(), new byte[0], new byte[0]);

        assertThat(handler.handleError(CONTEXT, sent, new TimeoutException("broker away"))
                        .result())
                .isEqualTo(ProductionExceptionHandler.Result.RETRY);
        assertThat(handler.handleError(CONTEXT, sent, new RecordTooLargeException("too large"))
                        .result())
                .isEqualTo(ProductionExceptionHandler.Result.FAIL);
    }

    @Test
    void kafkasOwnFailuresFailTheTaskInsteadOfDeadLetteringTheRecord() {
        var handler = new DeadLetteringProcessingHandler();
        var record = new Record<>("k", "v", 0L);

        assertThat(handler.handleError(CONTEXT, record, new StreamsException("state store failed"))
                        .result())
                .isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(handler.handleError(CONTEXT, record, new IllegalStateException("a rule threw"))
                        .deadLetterQueueRecords())
                .singleElement()
                .satisfies(r -> assertThat(r.topic()).isEqualTo(Topics.DEAD_LETTERS));
    }

    private static final ErrorHandlerContext CONTEXT = new ErrorHandlerContext() {
        @Override
        public String topic() {
            return Topics.FACT_CANDIDATES.name();
        }

        @Override
        public int partition() {
            return 0;
        }

        @Override
        public long offset() {
            return 7;
        }

        @Override
        public Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return "merge";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, 0);
        }

        @Override
        public long timestamp() {
            return 0;
        }

        @Override
        public byte[] sourceRawKey() {
            return new byte[] {1};
        }

        @Override
        public byte[] sourceRawValue() {
            return new byte[] {2};
        }
    };
}
