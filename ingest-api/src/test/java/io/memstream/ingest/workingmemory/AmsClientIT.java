package io.memstream.ingest.workingmemory;

import static org.assertj.core.api.Assertions.assertThat;

import io.memstream.ingest.RunningIngestApi;
import io.memstream.ingest.tenancy.ApiKeys;
import io.memstream.testkit.Api;
import io.memstream.testkit.TestInfra;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The calls an Agent Memory Server client makes, in the order its tools make them, with the bodies
 * it sends: full WorkingMemory objects (session_id and nulls included), snake_case, ISO timestamps.
 */
@TestPropertySource(properties = {"memstream.auth.enabled=true"})
class AmsClientIT extends RunningIngestApi {

    @Autowired
    ApiKeys keys;

    @Test
    void aClientCreatesGrowsUpdatesListsAndDeletesASession() {
        Api client = api.withKey(keys.create(TestInfra.uniqueId("tenant"), null, "ams"));
        String session = TestInfra.uniqueId("s");
        String user = TestInfra.uniqueId("u");
        String query = "?user_id=" + user + "&namespace=chat";

        assertThat(client.get("/v1/health").body().get("now").isNumber()).isTrue();

        // get_or_create_working_memory: GET, and PUT an empty session on 404.
        assertThat(client.get("/v1/working-memory/" + session + query).status()).isEqualTo(404);
        Api.Response created = client.put("/v1/working-memory/" + session, """
                {"session_id": "%s", "user_id": "%s", "namespace": "chat", "messages": [], "memories": [],
                 "data": {}, "context": null, "tokens": 0, "ttl_seconds": null,
                 "long_term_memory_strategy": {"strategy": "discrete", "config": {}},
                 "last_accessed": "2026-11-21T10:00:00Z", "created_at": "2026-11-21T10:00:00Z",
                 "updated_at": "2026-11-21T10:00:00Z"}""".formatted(session, user));
        assertThat(created.status()).isEqualTo(200);
        assertSnakeCase(created.body());

        // Clients add a message by GETting the session, appending, and PUTting the whole thing back.
        for (String[] turn : List.of(
                new String[] {"user", "I'm planning a trip to Kyoto", "2026-11-21T12:00:00+02:00"},
                new String[] {"assistant", "When are you going?", "2026-11-21T10:00:05Z"})) {
            ObjectNode current = (ObjectNode)
                    client.get("/v1/working-memory/" + session + query).body();
            ArrayNode messages = (ArrayNode) current.get("messages");
            ObjectNode message = messages.addObject();
            message.put("role", turn[0]);
            message.put("content", turn[1]);
            message.put("created_at", turn[2]);
            message.putNull("persisted_at");
            message.put("discrete_memory_extracted", "f");
            current.remove(List.of("context_percentage_total_used", "context_percentage_until_summarization"));
            assertThat(client.put("/v1/working-memory/" + session, current.toString())
                            .status())
                    .isEqualTo(200);
        }

        // update_working_memory_data: merge into data and PUT back.
        ObjectNode current =
                (ObjectNode) client.get("/v1/working-memory/" + session + query).body();
        ((ObjectNode) current.get("data")).put("destination", "Kyoto");
        assertThat(client.put("/v1/working-memory/" + session, current.toString())
                        .status())
                .isEqualTo(200);

        JsonNode session1 = client.get("/v1/working-memory/" + session + query).body();
        assertSnakeCase(session1);
        List<String> contents = new ArrayList<>();
        session1.get("messages").forEach(m -> contents.add(m.get("content").asString()));
        assertThat(contents).containsExactly("I'm planning a trip to Kyoto", "When are you going?");
        assertThat(session1.get("messages").get(0).get("created_at").asString()).isEqualTo("2026-11-21T10:00:00Z");
        assertThat(session1.get("messages").get(0).get("id").asString()).hasSize(26);
        assertThat(session1.get("data").get("destination").asString()).isEqualTo("Kyoto");
        assertThat(session1.get("long_term_memory_strategy").get("strategy").asString())
                .isEqualTo("discrete");

        JsonNode listed =
                client.get("/v1/working-memory/?namespace=chat&user_id=" + user).body();
        assertThat(listed.get("sessions").get(0).asString()).isEqualTo(session);
        assertThat(listed.get("total").asLong()).isEqualTo(1);

        assertThat(client.delete("/v1/working-memory/" + session + query)
                        .body()
                        .get("status")
                        .asString())
                .isEqualTo("ok");
        assertThat(client.get("/v1/working-memory/" + session + query).status()).isEqualTo(404);
    }

    private static void assertSnakeCase(JsonNode node) {
        node.properties().forEach(field -> {
            assertThat(field.getKey()).matches("[a-z0-9_]+");
            if (field.getKey().equals("data")) {
                return;
            }
            if (field.getValue().isObject()) {
                assertSnakeCase(field.getValue());
            } else if (field.getValue().isArray()) {
                field.getValue().forEach(e -> {
                    if (e.isObject()) {
                        assertSnakeCase(e);
                    }
                });
            }
        });
    }
}
