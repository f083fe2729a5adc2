package io.memstream.bench;

import io.memstream.common.events.SessionKey;
import io.memstream.common.events.Turn;
import io.memstream.common.topics.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Ingest: turns/s and latency through the API (one turn per request, and batches), next to a raw
 * Kafka producer writing the same records, the same way (acks=all, one synchronous send per turn or
 * per batch), to a topic shaped like the turns topic on the same broker.
 */
final class IngestScenario {

    static final int BATCH = 50;
    private static final String RAW_TOPIC = "memstream.bench.turns";

    private final BenchConfig config;
    private final ApiClient api;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    IngestScenario(BenchConfig config) {
        this.config = config;
        this.api = new ApiClient(config);
    }

    List<Result> run() throws Exception {
        Result apiSingle = measure("API POST /v1/turns", "turns", post("/v1/turns", 1));
        Result apiBatch = measure("API POST /v1/turns/batch (" + BATCH + ")", "turns", post("/v1/turns/batch", BATCH));
        createRawTopic();
        Result rawSingle;
        Result rawBatch;
        try (KafkaProducer<SessionKey, Turn> producer = producer()) {
            rawSingle = measure("raw producer, 1 turn per send", "turns", raw(producer, 1));
            rawBatch = measure("raw producer, " + BATCH + " turns per flush", "turns", raw(producer, BATCH));
        }
        eraseApiUsers();
        return List.of(apiSingle.comparedWith(rawSingle), rawSingle, apiBatch.comparedWith(rawBatch), rawBatch);
    }

    /**
     * The API measurements leave tens of thousands of turns, which the pipeline would otherwise
     * extract and embed for many minutes (about 75 texts/s on two cores). Erasing their users makes
     * every stage drop them instead, and keeps bench data out of the database.
     */
    private void eraseApiUsers() throws Exception {
        for (int thread = 0; thread < config.threads(); thread++) {
            api.erase(apiUser(thread));
        }
    }

    private String apiUser(int thread) {
        return "bench-" + run + "-user-" + thread;
    }

    private Result measure(String what, String unit, Load.Operation operation) throws InterruptedException {
        Load.Outcome outcome = Load.run(config.threads(), config.seconds(), operation);
        if (outcome.errors() > 0) {
            System.err.println("bench: " + what + ": " + outcome.errors() + " errors, first: " + outcome.firstError());
        }
        return new Result(
                "ingest",
                what,
                outcome.perSecond(),
                unit + "/s",
                outcome.latencies().quantileMillis(0.50),
                outcome.latencies().quantileMillis(0.99),
                outcome.errors(),
                null,
                null);
    }

    private Load.Operation post(String path, int turns) {
        return (thread, sequence) -> {
            StringBuilder body = new StringBuilder();
            String session = "bench-" + run + "-" + thread;
            for (int i = 0; i < turns; i++) {
                body.append(i == 0 ? "" : ",")
                        .append("{\"session_id\": \"%s\", \"user_id\": \"%s\", \"role\": \"user\","
                                .formatted(session, apiUser(thread)))
                        .append(" \"content\": \"I like benchmark number %d.\"}".formatted(sequence * turns + i));
            }
            String json = turns == 1 ? body.toString() : "{\"turns\": [" + body + "]}";
            api.expect(202, "POST", path, json);
            return turns;
        };
    }

    private Load.Operation raw(KafkaProducer<SessionKey, Turn> producer, int turns) {
        return (thread, sequence) -> {
            List<Future<RecordMetadata>> sends = new ArrayList<>(turns);
            SessionKey key = new SessionKey("bench", "default", "bench-" + run + "-" + thread);
            for (int i = 0; i < turns; i++) {
                Instant now = Instant.now();
                Turn turn = new Turn(
                        UUID.randomUUID().toString(),
                        "bench",
                        "default",
                        "bench-user-" + thread,
                        key.sessionId(),
                        "user",
                        "I like benchmark number " + (sequence * turns + i) + ".",
                        now,
                        now);
                sends.add(producer.send(new ProducerRecord<>(RAW_TOPIC, key, turn)));
            }
            for (Future<RecordMetadata> send : sends) {
                send.get();
            }
            return turns;
        };
    }

    private KafkaProducer<SessionKey, Turn> producer() {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.kafka(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true);
        return new KafkaProducer<>(
                props,
                Topics.TURNS.keySerde().serializer(),
                Topics.TURNS.valueSerde().serializer());
    }

    /** Shaped like the turns topic, but nothing consumes it: the raw limit, not the pipeline's load. */
    private void createRawTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", config.kafka()))) {
            admin.createTopics(Set.of(new NewTopic(RAW_TOPIC, Topics.TURNS.partitions(), (short) 1)))
                    .all()
                    .get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }
}
