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
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
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
        createRawTopic();
        List<Result> results = new ArrayList<>();
        try (KafkaProducer<SessionKey, Turn> producer = config.producer(Topics.TURNS);
                PipelineLag pipeline = new PipelineLag(config)) {
            results.addAll(pair(pipeline, "single", 1, "/v1/turns", "API POST /v1/turns", producer, "1 turn per send"));
            results.addAll(pair(
                    pipeline,
                    "batch",
                    BATCH,
                    "/v1/turns/batch",
                    "API POST /v1/turns/batch (" + BATCH + ")",
                    producer,
                    BATCH + " turns per flush"));
        }
        return results;
    }

    /**
     * The raw producer, then the API, each on a pipeline at rest. The API's turns would then keep
     * the pipeline extracting and embedding for many minutes (about 75 texts/s on two cores), slowing
     * whatever is measured next; erasing their users makes every stage drop them instead, and keeps
     * bench data out of the database.
     */
    private List<Result> pair(
            PipelineLag pipeline,
            String phase,
            int turns,
            String path,
            String what,
            KafkaProducer<SessionKey, Turn> producer,
            String rawWhat)
            throws Exception {
        pipeline.awaitRest(config.restTimeout());
        Result raw = Load.measure(config, "ingest", "raw producer, " + rawWhat, "turns/s", raw(producer, turns));
        Result viaApi = Load.measure(config, "ingest", what, "turns/s", post(phase, path, turns));
        api.erase(IntStream.range(0, config.threads())
                .mapToObj(thread -> apiUser(phase, thread))
                .toList());
        return List.of(viaApi.comparedWith(raw), raw);
    }

    private String apiUser(String phase, int thread) {
        return "bench-" + run + "-" + phase + "-user-" + thread;
    }

    private Load.Operation post(String phase, String path, int turns) {
        return (thread, sequence) -> {
            StringBuilder body = new StringBuilder();
            String session = "bench-" + run + "-" + phase + "-" + thread;
            for (int i = 0; i < turns; i++) {
                body.append(i == 0 ? "" : ",")
                        .append("{\"session_id\": \"%s\", \"user_id\": \"%s\", \"role\": \"user\","
                                .formatted(session, apiUser(phase, thread)))
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
