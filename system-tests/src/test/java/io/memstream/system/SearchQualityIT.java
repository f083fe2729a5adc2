package io.memstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memstream.common.json.Json;
import io.memstream.system.quality.LabelledSet;
import io.memstream.system.quality.LabelledSet.Conversation;
import io.memstream.system.quality.LabelledSet.Question;
import io.memstream.system.quality.LabelledSet.Session;
import io.memstream.system.quality.RecallTable;
import io.memstream.testkit.Api;
import io.memstream.testkit.TestInfra;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Search quality on the labelled set ({@code search-quality/labelled-set.json}), loaded the way the
 * held-out benchmark loads its conversations: each conversation is one user, each of its sessions
 * one {@code PUT /v1/working-memory/{session}} with the session's messages (message id = turn id,
 * content "<speaker>: <text>", created_at from the session's date). Each question is then searched
 * among that user's messages in each mode (limit 10, recency boost off), and recall@5/@10 is
 * reported overall and by split, kind and trait. Fact questions are also searched over all the
 * user's memories, to see whether the fact the extractor learned from the evidence ranks in the top
 * results. The table goes to {@code target/search-quality.txt} and {@code .json};
 * {@code scripts/search-quality} runs just this.
 *
 * <p>{@code -Dsearch-quality.splits=dev} runs one split only.
 */
class SearchQualityIT {

    private static final String NEIGHBOURS = "hybrid+n1";

    /** The three modes, and hybrid with each hit's neighbouring turns ({@code expand_neighbours: 1}). */
    private static final List<String> MODES = List.of("semantic", "keyword", "hybrid", NEIGHBOURS);

    private static final Duration SEARCHABLE = Duration.ofMinutes(5);
    private static final Duration LEARNED = Duration.ofMinutes(4);

    /**
     * Recall@10 over all questions, about 0.05 under what was measured on 2026-12-02 with
     * e5-small-v2 (quantized), BM25, and turns indexed with their context both ways (semantic 0.762,
     * keyword 0.624, hybrid 0.790), so that only a real regression fails the build, not a ranking tweak.
     */
    private static final Map<String, Double> FLOORS = Map.of("semantic", 0.71, "keyword", 0.57, "hybrid", 0.74);

    /** Share of fact questions whose fact is in a hybrid search's top 10 (measured: 0.875). */
    private static final double FACTS_FLOOR = 0.78;

    private final Api api = new Api(Pipeline.shared().apiBaseUrl());

    @Test
    void recallOfEachSearchModeOnTheLabelledSet() throws IOException {
        long started = System.nanoTime();
        Set<String> splits = Set.of(
                System.getProperty("search-quality.splits", "dev,heldout").split(","));
        LabelledSet set = LabelledSet.load().only(splits);
        assertThat(set.conversations()).as("conversations in splits %s", splits).isNotEmpty();

        // One user per conversation and run: turn ids are scoped per user, so the set's own ids meet no earlier run's.
        Map<String, String> users = new LinkedHashMap<>();
        for (Conversation conversation : set.conversations()) {
            String user = TestInfra.uniqueId("quality-" + conversation.id());
            users.put(conversation.id(), user);
            for (Session session : conversation.sessions()) {
                put(user, session);
            }
        }
        for (Conversation conversation : set.conversations()) {
            long turns = conversation.turns().count();
            String user = users.get(conversation.id());
            await().atMost(SEARCHABLE)
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(search(user, "", "semantic", true)
                                    .get("total")
                                    .asInt())
                            .as("%s's messages searchable", conversation.id())
                            .isEqualTo(turns));
        }
        double loadSeconds = (System.nanoTime() - started) / 1e9;
        int learned = awaitFacts(set, users);

        RecallTable table = new RecallTable(MODES);
        for (Conversation conversation : set.conversations()) {
            String user = users.get(conversation.id());
            for (Question question : conversation.questions()) {
                for (String mode : MODES) {
                    JsonNode messages = search(user, question.question(), mode, true);
                    table.add(mode, conversation.split(), question, ids(messages));
                    if (question.answeredByFact() != null) {
                        table.addFact(mode, factRank(search(user, question.question(), mode, false), question));
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        long factQuestions =
                set.questions().filter(q -> q.answeredByFact() != null).count();
        String heading = String.format(
                Locale.ROOT,
                "Search quality: %d questions over %d turns, %d conversations (%s), splits %s;"
                        + " %s, limit 10, recency boost off%n"
                        + "R@k: share of a question's evidence turns among the first k messages, averaged.%n"
                        + "Facts in top k: a memory with the question's fact key, extracted from an evidence turn,"
                        + " among the first k of a search of all the user's memories (%d of %d facts learned).%n%n",
                set.questions().count(),
                set.turnCount(),
                set.conversations().size(),
                set.conversations().stream().map(Conversation::id).collect(Collectors.joining(", ")),
                String.join(",", new TreeSet<>(splits)),
                api.get("/v1/search-index").body().get("model").asString(),
                learned,
                factQuestions);
        String footer =
                String.format(Locale.ROOT, "%nloaded and searchable in %.0f s, %.0f s in all%n", loadSeconds, seconds);
        String text = heading + table.text() + footer;
        System.out.print(text);
        Files.writeString(Path.of("target", "search-quality.txt"), text);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("questions", set.questions().count());
        json.put("turns", set.turnCount());
        json.put(
                "conversations",
                set.conversations().stream().map(Conversation::id).toList());
        json.put("fact_questions", factQuestions);
        json.put("facts_learned", learned);
        json.putAll(table.json());
        json.put("seconds", Math.round(seconds));
        Files.writeString(
                Path.of("target", "search-quality.json"),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));

        FLOORS.forEach((mode, floor) -> assertThat(table.recall(mode, RecallTable.ALL, 10))
                .as("%s recall@10", mode)
                .isGreaterThan(floor));
        assertThat(table.recall("hybrid", RecallTable.ALL, 10))
                .as("hybrid is never worse than the better of its parts")
                .isGreaterThanOrEqualTo(Math.max(
                        table.recall("semantic", RecallTable.ALL, 10), table.recall("keyword", RecallTable.ALL, 10)));
        assertThat(table.factsInTop("hybrid", 10))
                .as(
                        "fact questions with their fact in hybrid's top 10 (%d of %d facts learned)",
                        learned, factQuestions)
                .isGreaterThanOrEqualTo(FACTS_FLOOR);
    }

    private void put(String user, Session session) {
        List<Map<String, String>> messages = session.turns().stream()
                .map(t -> Map.of(
                        "id", t.id(),
                        "role", t.role(),
                        "content", t.content(),
                        "created_at", t.createdAt().toString()))
                .toList();
        // Session ids are not scoped per user everywhere (extraction batches and summaries go by tenant and
        // session), so they carry the run's user.
        var response = api.put(
                "/v1/working-memory/" + user + "-" + session.id(),
                Json.MAPPER.writeValueAsString(Map.of("user_id", user, "messages", messages)));
        assertThat(response.status()).as(response.body().toString()).isEqualTo(200);
    }

    /**
     * Waits until every fact question's key is in its user's profile, learned from one of its
     * evidence turns ({@code LabelledSetTest} proves the rules learn it there), and answers how many
     * are. A fact still missing after {@link #LEARNED} is reported here, and counts as not found
     * against the facts row's floor.
     */
    private int awaitFacts(LabelledSet set, Map<String, String> users) {
        long expected = set.questions().filter(q -> q.answeredByFact() != null).count();
        int[] learned = {0};
        try {
            await().atMost(LEARNED).pollInterval(Duration.ofSeconds(1)).until(() -> {
                learned[0] = 0;
                for (Conversation conversation : set.conversations()) {
                    JsonNode facts = api.get("/v1/users/" + users.get(conversation.id()) + "/facts")
                            .body()
                            .get("facts");
                    for (Question q : conversation.questions()) {
                        if (q.answeredByFact() != null && learnedFromEvidence(facts, q)) {
                            learned[0]++;
                        }
                    }
                }
                return learned[0] == expected;
            });
        } catch (ConditionTimeoutException e) {
            System.out.printf("facts: %d learned after %s, the rest are reported as missing%n", learned[0], LEARNED);
        }
        return learned[0];
    }

    private static boolean learnedFromEvidence(JsonNode facts, Question q) {
        if (facts == null) {
            return false;
        }
        for (JsonNode fact : facts) {
            if (fact.get("key").asString().equals(q.answeredByFact())) {
                for (JsonNode source : fact.get("source_turn_ids")) {
                    if (q.evidence().contains(source.asString())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The 1-based rank of the question's fact among the results, 0 if it is not there. */
    private static int factRank(JsonNode results, Question q) {
        JsonNode memories = results.get("memories");
        for (int i = 0; i < memories.size(); i++) {
            JsonNode m = memories.get(i);
            if (!"message".equals(m.path("memory_type").asString(""))
                    && q.answeredByFact().equals(m.path("metadata").path("key").asString(""))) {
                for (JsonNode source : m.path("extracted_from")) {
                    if (q.evidence().contains(source.asString())) {
                        return i + 1;
                    }
                }
            }
        }
        return 0;
    }

    private JsonNode search(String user, String text, String mode, boolean messagesOnly) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", text);
        body.put("search_mode", mode.equals(NEIGHBOURS) ? "hybrid" : mode);
        if (mode.equals(NEIGHBOURS)) {
            body.put("expand_neighbours", 1);
        }
        body.put("limit", 10);
        body.put("recency_boost", false);
        body.put("user_id", Map.of("eq", user));
        if (messagesOnly) {
            body.put("memory_type", Map.of("eq", "message"));
        }
        var response = api.post("/v1/long-term-memory/search", Json.MAPPER.writeValueAsString(body));
        assertThat(response.status()).as(response.body().toString()).isEqualTo(200);
        return response.body();
    }

    private static List<String> ids(JsonNode results) {
        List<String> ids = new ArrayList<>();
        results.get("memories").forEach(m -> ids.add(m.get("id").asString()));
        return ids;
    }
}
