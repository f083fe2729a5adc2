package io.memstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memstream.common.json.Json;
import io.memstream.testkit.Api;
import io.memstream.testkit.TestInfra;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Search quality, measured on the labelled set in {@code search-quality/labelled-set.json}: the
 * conversations are posted as turns, and each question is searched for among the user's messages in
 * the three modes. Recall@k is the share of the answering turns found in the first k results,
 * averaged over questions. The table is printed and written to {@code target/search-quality.txt};
 * {@code scripts/search-quality} runs just this.
 *
 * <p>The floor asserted below is far under what was measured, so only a real regression (search
 * broken, a mode that returns nothing useful) fails the build.
 */
class SearchQualityIT {

    private static final List<String> MODES = List.of("semantic", "keyword", "hybrid");
    private static final int[] KS = {5, 10};

    @Test
    void recallAtFiveAndTenForEachSearchMode() throws IOException {
        JsonNode set;
        try (InputStream in = getClass().getResourceAsStream("/search-quality/labelled-set.json")) {
            set = Json.MAPPER.readTree(in);
        }
        Api api = new Api(Pipeline.shared().apiBaseUrl());
        String user = TestInfra.uniqueId("quality");
        // Turn ids are unique per tenant, so the set's ids are prefixed by this run's user.
        Map<String, String> ids = new HashMap<>();
        int turns = 0;
        for (JsonNode conversation : set.get("conversations")) {
            List<String> batch = new ArrayList<>();
            String session = user + "-" + conversation.get("session").asString();
            for (JsonNode turn : conversation.get("turns")) {
                String id = user + "-" + turn.get("id").asString();
                ids.put(turn.get("id").asString(), id);
                batch.add(Json.MAPPER.writeValueAsString(Map.of(
                        "id", id,
                        "session_id", session,
                        "user_id", user,
                        "role", turn.get("role").asString(),
                        "content", turn.get("content").asString())));
                turns++;
            }
            var accepted = api.post("/v1/turns/batch", "{\"turns\": [" + String.join(",", batch) + "]}");
            assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(202);
        }
        String messagesOnly = "\"user_id\": {\"eq\": \"%s\"}, \"memory_type\": {\"eq\": \"message\"}".formatted(user);
        int expected = turns;
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(api.post("/v1/long-term-memory/search", "{" + messagesOnly + "}")
                                .body()
                                .get("total")
                                .asInt())
                        .isEqualTo(expected));

        Map<String, double[]> recall = new LinkedHashMap<>();
        int questions = set.get("questions").size();
        for (String mode : MODES) {
            double[] sums = new double[KS.length];
            for (JsonNode q : set.get("questions")) {
                String body = "{\"text\": %s, \"search_mode\": \"%s\", \"limit\": 10, \"recency_boost\": false, %s}"
                        .formatted(
                                Json.MAPPER.writeValueAsString(q.get("question").asString()), mode, messagesOnly);
                var response = api.post("/v1/long-term-memory/search", body);
                assertThat(response.status()).as(response.body().toString()).isEqualTo(200);
                List<String> found = new ArrayList<>();
                response.body()
                        .get("memories")
                        .forEach(m -> found.add(m.get("id").asString()));
                List<String> answers = new ArrayList<>();
                q.get("answers").forEach(a -> answers.add(ids.get(a.asString())));
                for (int i = 0; i < KS.length; i++) {
                    List<String> top = found.subList(0, Math.min(KS[i], found.size()));
                    sums[i] += answers.stream().filter(top::contains).count() / (double) answers.size();
                }
            }
            for (int i = 0; i < KS.length; i++) {
                sums[i] /= questions;
            }
            recall.put(mode, sums);
        }

        StringBuilder table = new StringBuilder();
        table.append(
                "Search quality: %d questions over %d turns (labelled-set.json), all-MiniLM-L6-v2, recency boost off%n"
                        .formatted(questions, turns));
        table.append(String.format(Locale.ROOT, "%-10s %10s %10s%n", "mode", "recall@5", "recall@10"));
        recall.forEach(
                (mode, r) -> table.append(String.format(Locale.ROOT, "%-10s %10.3f %10.3f%n", mode, r[0], r[1])));
        System.out.print(table);
        Files.writeString(Path.of("target", "search-quality.txt"), table);

        assertThat(recall.get("semantic")[1]).as("semantic recall@10").isGreaterThan(0.5);
        assertThat(recall.get("hybrid")[1]).as("hybrid recall@10").isGreaterThan(0.5);
        assertThat(recall.get("keyword")[1]).as("keyword recall@10").isGreaterThan(0.3);
    }
}
