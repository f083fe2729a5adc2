package io.memstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memstream.common.json.Json;
import io.memstream.testkit.Api;
import io.memstream.testkit.TestDatabase;
import io.memstream.testkit.TestInfra;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Nothing accepted is refused downstream: generated inputs, ordinary and adversarial mixed (NUL,
 * unpaired surrogates, invisible text, ids with {@code ; / \ %}, times of the year -10^9, JSON 40
 * deep), go to every entry point of the real pipeline: turns one by one and in batches, working
 * memory, memories, their PATCH, explicit facts, and search. Whatever was answered 2xx must be
 * stored and read back exactly as sent (a search, which stores nothing, must answer a page);
 * whatever was not must be a 4xx problem naming what is wrong.
 *
 * <p>The seed is fixed so that a run is repeatable; {@code MEMSTREAM_FUZZ_SEED=N} tries others,
 * and every failure names the seed and the request.
 */
class HostileInputPropertyIT {

    private static final long SEED = Long.parseLong(System.getenv().getOrDefault("MEMSTREAM_FUZZ_SEED", "13"));
    private static final int CASES_PER_ROUTE = 40;
    private static final Duration STORED = Duration.ofSeconds(120);
    // A field, or for a body that is not JSON at all the place where it stops being JSON.
    private static final Pattern NAMES_SOMETHING = Pattern.compile(
            "field '|path|query|the body|malformed JSON at line \\d+|^[a-z_]+(\\[\\d+])?[a-z_.\\[\\]0-9]*: ");

    private static final String[] PIECES = {
        "hello", "I work at Initech.", "café", "東京", "😀", " ", "\n", "\t", "\"", "\\", "'; DROP TABLE facts; --",
        "<script>", "%00", "\u0000", "\ud800", "\udc00", "\ufeff", "\u200b", "\u2060", "\u202e", "\u00a0", "\u0301",
        "\u3164", "I'm allergic to peanuts.", "x"
    };
    private static final String[] ODD_IDS = {
        "a/b", "a\\b", "a;b", "..", ".", "a%2F", "a b", "ä", "x".repeat(257), "", "a:b@c.d-e_f", "-", "_"
    };
    private static final String[] NUMBERS = {
        "0", "1", "-1", "0.5", "7", "101", "4.9e-324", "1e308", "-1e308", "\"0.5\"", "null", "true", "[]", "2147483648"
    };
    private static final String[] MODES = {"semantic", "keyword", "hybrid", "", "SEMANTIC", "fuzzy", "\u0000"};
    private static final String[] TIMES = {
        "\"2026-11-21T10:00:00Z\"",
        "\"2026-11-21\"",
        "1764000000",
        "1.5e9",
        "\"-1000000000-01-01T00:00:00Z\"",
        "\"+1000000000-12-31T23:59:59Z\"",
        "\"+300000-01-01T00:00:00Z\"",
        "\"0001-01-01T00:00:00Z\"",
        "\"9999-12-31T23:59:59Z\"",
        "\"2026\\u0000\"",
        "\"yesterday\"",
        "[1]",
        "{}",
        "true",
        "null",
        "1e300"
    };

    private static Api api;
    private final Random random = new Random(SEED);
    private final String run = TestInfra.uniqueId("fz");

    /** What a 2xx promised, checked once the pipeline has had time to store it. */
    private record Promise(String what, Supplier<Boolean> kept) {}

    @BeforeAll
    static void start() {
        api = new Api(Pipeline.shared().apiBaseUrl());
    }

    @Test
    void whatIsAcceptedIsStoredAndReadableAndWhatIsNotIsA4xxNamingTheField() {
        // By what they store: the same turn sent twice keeps its first content, the same memory id
        // of one user its last text (a create naming an existing memory edits it).
        Map<String, Promise> promises = new LinkedHashMap<>();
        Map<String, String> patchable = patchableMemories();
        for (int i = 0; i < CASES_PER_ROUTE; i++) {
            turn(i, promises);
            turnBatch(i, promises);
            workingMemory(i, promises);
            memory(i, promises);
            patch(i, patchable, promises);
            fact(i, promises);
            search(i);
        }
        assertThat(promises).as("seed %d: some inputs must be accepted", SEED).hasSizeGreaterThan(20);
        await().atMost(STORED)
                .untilAsserted(() -> assertThat(promises.values().stream()
                                .filter(p -> !p.kept().get())
                                .map(Promise::what))
                        .as("seed %d: accepted but not stored or not read back as sent", SEED)
                        .isEmpty());
    }

    private void turn(int i, Map<String, Promise> promises) {
        String user = id(run + "-t" + i);
        String id = id("turn-" + i);
        String content = text(100_000);
        String body = "{\"id\": %s, \"session_id\": %s, \"user_id\": %s, \"role\": \"user\", \"content\": %s%s}"
                .formatted(quote(id), quote(id("s" + i)), quote(user), quote(content), maybeTime());
        Api.Response response = api.post("/v1/turns", body);
        if (accepted(response, "POST /v1/turns " + body)) {
            String stored = response.body().get("turn_ids").get(0).asString();
            promises.putIfAbsent(
                    "turn " + user + "/" + stored,
                    new Promise("turn " + body, () -> content.equals(archived(user, stored))));
        }
    }

    private void turnBatch(int i, Map<String, Promise> promises) {
        String user = id(run + "-b" + i);
        // Sent ids (a blank one is given a fresh id, so it is its own turn) and their first content.
        Map<String, String> sent = new LinkedHashMap<>();
        StringBuilder turns = new StringBuilder();
        for (int j = random.nextInt(3); j >= 0; j--) {
            String id = random.nextInt(5) == 0 ? "same" : id("bt-" + i + "-" + j);
            String content = text(100_000);
            sent.putIfAbsent(id.isBlank() ? "#" + j : id, content);
            turns.append(turns.isEmpty() ? "" : ", ")
                    .append("{\"id\": %s, \"session_id\": %s, \"user_id\": %s, \"role\": \"user\", \"content\": %s%s}"
                            .formatted(quote(id), quote(id("bs" + i)), quote(user), quote(content), maybeTime()));
        }
        String body = "{\"turns\": [" + turns + "]}";
        Api.Response response = api.post("/v1/turns/batch", body);
        if (accepted(response, "POST /v1/turns/batch " + body)) {
            JsonNode ids = response.body().get("turn_ids");
            assertThat(ids)
                    .as("seed %d: one id per distinct turn of %s", SEED, body)
                    .hasSize(sent.size());
            int k = 0;
            for (String content : sent.values()) {
                String stored = ids.get(k++).asString();
                promises.putIfAbsent(
                        "turn " + user + "/" + stored,
                        new Promise("batched turn " + body, () -> content.equals(archived(user, stored))));
            }
        }
    }

    private void workingMemory(int i, Map<String, Promise> promises) {
        String user = id(run + "-w" + i);
        String session = nonEmpty(id("wm-" + i));
        String content = text(100_000);
        String messageId = id("m-" + i);
        String body = "{\"user_id\": %s, \"messages\": [{\"id\": %s, \"role\": %s, \"content\": %s%s}], \"data\": %s}"
                .formatted(
                        quote(user),
                        quote(messageId),
                        quote(random.nextInt(8) == 0 ? "robot" : "user"),
                        quote(content),
                        maybeTime(),
                        json(3));
        Api.Response response = api.put("/v1/working-memory/" + escaped(session), body);
        if (accepted(response, "PUT /v1/working-memory/" + session + " " + body)) {
            String read = "/v1/working-memory/" + session + "?user_id=" + user;
            promises.putIfAbsent(
                    "message " + user + "/" + session + "/" + messageId, new Promise("working memory " + body, () -> {
                        Api.Response got = api.get(read);
                        if (got.status() != 200) {
                            return false;
                        }
                        // Without an id of its own the message was given one: found by its content.
                        for (JsonNode m : got.body().get("messages")) {
                            String id = m.get("id").asString();
                            boolean it = messageId.isEmpty()
                                    ? m.get("content").asString().equals(content)
                                    : id.equals(messageId);
                            if (it) {
                                return m.get("content").asString().equals(content)
                                        && content.equals(archived(user, id));
                            }
                        }
                        return false;
                    }));
        }
    }

    private void memory(int i, Map<String, Promise> promises) {
        String user = id(run + "-l" + i);
        String id = id("mem-" + i);
        String text = text(10_000);
        String body =
                "{\"memories\": [{\"id\": %s, \"user_id\": %s, \"text\": %s, \"topics\": [%s], \"event_date\": %s}]}"
                        .formatted(
                                quote(id),
                                quote(user),
                                quote(text),
                                quote(text(300)),
                                TIMES[random.nextInt(TIMES.length)]);
        Api.Response response = api.post("/v1/long-term-memory/", body);
        if (accepted(response, "POST /v1/long-term-memory/ " + body)) {
            if (!id.isBlank()) {
                String read = "/v1/long-term-memory/" + id + "?user_id=" + user;
                promises.put("memory " + user + "/" + id, new Promise("memory " + body, () -> {
                    Api.Response got = api.get(read);
                    return got.status() == 200
                            && got.body().get("text").asString().equals(text);
                }));
            } else {
                // Without an id of its own the memory was given one the answer does not carry: it is
                // found by searching for its text (the user's, if it named one) and read back by that.
                String search = "{\"text\": %s, \"limit\": 50%s}"
                        .formatted(
                                quote(text),
                                user.isEmpty() ? "" : ", \"user_id\": {\"eq\": %s}".formatted(quote(user)));
                promises.put("memory " + user + "/(generated id) " + i, new Promise("memory " + body, () -> {
                    Api.Response found = api.post("/v1/long-term-memory/search", search);
                    if (found.status() != 200) {
                        return false;
                    }
                    for (JsonNode m : found.body().get("memories")) {
                        if (m.get("text").asString().equals(text)) {
                            String read = "/v1/long-term-memory/" + m.get("id").asString() + "?user_id=" + user;
                            Api.Response got = api.get(read);
                            return got.status() == 200
                                    && got.body().get("text").asString().equals(text);
                        }
                    }
                    return false;
                }));
            }
        }
    }

    /** One stored memory per patch case, each its user's, keyed by id; waits until all are readable. */
    private Map<String, String> patchableMemories() {
        Map<String, String> users = new LinkedHashMap<>();
        StringBuilder memories = new StringBuilder();
        for (int i = 0; i < CASES_PER_ROUTE; i++) {
            String id = run + "-pm" + i;
            users.put(id, run + "-p" + i);
            memories.append(memories.isEmpty() ? "" : ", ")
                    .append("{\"id\": \"%s\", \"user_id\": \"%s\", \"text\": \"User likes tea number %d.\"}"
                            .formatted(id, users.get(id), i));
        }
        Api.Response created = api.post("/v1/long-term-memory/", "{\"memories\": [" + memories + "]}");
        assertThat(created.status()).as("%s", created.body()).isEqualTo(200);
        await().atMost(STORED)
                .untilAsserted(() -> assertThat(users.entrySet())
                        .allSatisfy(e -> assertThat(
                                        api.get("/v1/long-term-memory/" + e.getKey() + "?user_id=" + e.getValue())
                                                .status())
                                .isEqualTo(200)));
        return users;
    }

    private void patch(int i, Map<String, String> patchable, Map<String, Promise> promises) {
        String id = run + "-pm" + i;
        String user = patchable.get(id);
        Map<String, String> fields = new LinkedHashMap<>();
        String text = random.nextBoolean() ? text(10_000) : null;
        if (text != null) {
            fields.put("text", quote(text));
        }
        if (random.nextBoolean()) {
            fields.put("topics", "[" + quote(text(300)) + "]");
        }
        if (random.nextInt(3) == 0) {
            fields.put("event_date", TIMES[random.nextInt(TIMES.length)]);
        }
        String namespace = random.nextInt(3) == 0 ? id("trips") : null;
        if (namespace != null) {
            fields.put("namespace", quote(namespace));
        }
        if (random.nextInt(3) == 0) {
            fields.put("pinned", random.nextBoolean() ? "true" : NUMBERS[random.nextInt(NUMBERS.length)]);
        }
        if (random.nextInt(4) == 0) {
            fields.put("memory_type", quote(random.nextBoolean() ? "episodic" : text(20)));
        }
        String body = object(fields);
        Api.Response response = api.patch("/v1/long-term-memory/" + id + "?user_id=" + user, body);
        if (accepted(response, "PATCH /v1/long-term-memory/" + id + " " + body)) {
            String expected = text != null ? text : "User likes tea number " + i + ".";
            String read = "/v1/long-term-memory/" + id + "?user_id=" + user;
            promises.put("patched " + id, new Promise("patch " + body, () -> {
                Api.Response got = api.get(read);
                return got.status() == 200
                        && got.body().get("text").asString().equals(expected)
                        && (namespace == null
                                || namespace.isBlank()
                                || got.body().get("namespace").asString().equals(namespace));
            }));
        }
    }

    /** A search stores nothing: it answers a page of results, or a 4xx naming the field. */
    private void search(int i) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (random.nextInt(4) != 0) {
            fields.put("text", quote(text(10_000)));
        }
        if (random.nextBoolean()) {
            fields.put("search_mode", quote(MODES[random.nextInt(random.nextBoolean() ? 3 : MODES.length)]));
        }
        for (String number : new String[] {
            "limit",
            "offset",
            "hybrid_alpha",
            "distance_threshold",
            "recency_semantic_weight",
            "recency_half_life_created_days"
        }) {
            if (random.nextInt(8) == 0) {
                fields.put(number, NUMBERS[random.nextInt(NUMBERS.length)]);
            }
        }
        if (random.nextBoolean()) {
            fields.put("user_id", "{\"eq\": " + quote(id(run + "-l" + i)) + "}");
        }
        if (random.nextInt(3) == 0) {
            fields.put("created_at", "{\"gte\": " + TIMES[random.nextInt(TIMES.length)] + "}");
        }
        if (random.nextInt(3) == 0) {
            fields.put("topics", "{\"any\": [" + quote(text(50)) + "]}");
        }
        if (random.nextInt(4) == 0) {
            fields.put("recency_boost", random.nextBoolean() ? "false" : NUMBERS[random.nextInt(NUMBERS.length)]);
        }
        String body = object(fields);
        Api.Response response = api.post("/v1/long-term-memory/search", body);
        if (accepted(response, "POST /v1/long-term-memory/search " + body)) {
            JsonNode memories = response.body().get("memories");
            assertThat(memories).as("seed %d: %s", SEED, body).isNotNull();
            assertThat(response.body().get("total").asInt())
                    .as("seed %d: %s", SEED, body)
                    .isGreaterThanOrEqualTo(memories.size());
        }
    }

    private void fact(int i, Map<String, Promise> promises) {
        String user = nonEmpty(id(run + "-f" + i));
        String value = json(random.nextInt(45));
        String body = "{\"value\": %s}".formatted(value);
        String key = "pref.k" + i;
        Api.Response response = api.put("/v1/users/" + escaped(user) + "/facts/" + key, body);
        if (accepted(response, "PUT fact " + body)) {
            JsonNode sent = Json.MAPPER.readTree(value);
            promises.put("fact " + user + "/" + key, new Promise("fact " + body, () -> {
                Api.Response got = api.get("/v1/users/" + user + "/facts");
                if (got.status() != 200) {
                    return false;
                }
                for (JsonNode f : got.body().get("facts")) {
                    if (f.get("key").asString().equals(key)) {
                        return f.get("value").equals(sent);
                    }
                }
                return false;
            }));
        }
    }

    /** True for a 2xx; a refusal must be a 4xx problem that names what is wrong; a 5xx fails. */
    private static boolean accepted(Api.Response response, String request) {
        if (response.status() >= 200 && response.status() < 300) {
            return true;
        }
        String context =
                "seed " + SEED + ": " + truncated(request) + " -> " + response.status() + " " + response.body();
        assertThat(response.status()).as(context).isBetween(400, 499);
        assertThat(response.contentType()).as(context).startsWith("application/problem+json");
        JsonNode errors = response.body().path("errors");
        boolean named = (errors.isObject() && !errors.isEmpty())
                || NAMES_SOMETHING
                        .matcher(response.body().path("detail").asString())
                        .find();
        assertThat(named).as("names the field: " + context).isTrue();
        return false;
    }

    private static String truncated(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    /** Usually a fine id, sometimes one no path can carry. */
    private String id(String fine) {
        return random.nextInt(6) == 0 ? ODD_IDS[random.nextInt(ODD_IDS.length)] : fine;
    }

    /** A path segment as a client library would write it: everything but letters and digits escaped. */
    private static String escaped(String segment) {
        StringBuilder out = new StringBuilder();
        for (byte b : segment.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-' || b == '_') {
                out.append((char) b);
            } else {
                out.append(String.format("%%%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** An empty segment would name another route (the listing); that is not what is tried here. */
    private static String nonEmpty(String id) {
        return id.isEmpty() ? "x" : id;
    }

    /** A few pieces, sometimes none, sometimes just over a limit. */
    private String text(int limit) {
        int shape = random.nextInt(12);
        if (shape == 0) {
            return "";
        }
        if (shape == 1) {
            return "a".repeat(limit + random.nextInt(2));
        }
        StringBuilder out = new StringBuilder();
        for (int n = 1 + random.nextInt(5); n > 0; n--) {
            out.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return out.toString();
    }

    /** A JSON object of these fields, their values already JSON. */
    private static String object(Map<String, String> fields) {
        StringBuilder out = new StringBuilder("{");
        fields.forEach((k, v) -> out.append(out.length() > 1 ? ", " : "")
                .append(quote(k))
                .append(": ")
                .append(v));
        return out.append('}').toString();
    }

    private String maybeTime() {
        return random.nextBoolean() ? "" : ", \"created_at\": " + TIMES[random.nextInt(TIMES.length)];
    }

    /** A JSON value nested up to {@code depth} levels, with strings (and keys) from the pieces. */
    private String json(int depth) {
        if (depth <= 0) {
            return switch (random.nextInt(5)) {
                case 0 -> quote(text(50));
                case 1 -> Integer.toString(random.nextInt(1000) - 500);
                case 2 -> random.nextBoolean() ? "true" : "false";
                case 3 -> "null";
                default -> "\"plain\"";
            };
        }
        return random.nextBoolean()
                ? "[" + json(depth - 1) + "]"
                : "{" + quote(random.nextBoolean() ? "k" : text(20)) + ": " + json(depth - 1) + "}";
    }

    /** A JSON string literal; control characters and every surrogate (paired or not) as escapes. */
    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** The archived content of a user's turn, or null while it is not there. */
    private static String archived(String user, String turnId) {
        try (Connection db = TestDatabase.connect();
                PreparedStatement query = db.prepareStatement("SELECT content FROM conversation_turns"
                        + " WHERE tenant_id = 'default' AND COALESCE(user_id, '') = ? AND turn_id = ?")) {
            query.setString(1, user);
            query.setString(2, turnId);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
