package io.memstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.memstream.testkit.Api;
import io.memstream.testkit.TestDatabase;
import io.memstream.testkit.TestInfra;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A session that outgrows its context window is summarized by the pipeline: working memory ends up
 * with the summary as context plus the recent messages, and the full history stays in Postgres.
 */
class SessionSummaryIT {

    private static Api api;

    @BeforeAll
    static void start() {
        api = new Api(Pipeline.shared().apiBaseUrl());
    }

    @Test
    void theOldestMessagesAreFoldedIntoTheSummaryAndTheRecentOnesStay() throws SQLException {
        String user = TestInfra.uniqueId("u");
        String session = TestInfra.uniqueId("s");
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            messages.add("""
                    {"id": "%s-%02d", "role": "user", "content": "Message %d: I am thinking about a trip to city number %d."}""".formatted(session, i, i, i));
        }
        String body = """
                {"messages": [%s], "user_id": "%s"}""".formatted(String.join(",", messages), user);

        Api.Response put = api.put("/v1/working-memory/" + session + "?context_window_max=300", body);

        assertThat(put.status()).isEqualTo(200);
        assertThat(put.body().get("context_percentage_until_summarization").asDouble())
                .isEqualTo(100.0);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(wm(session, user).get("context").asString(""))
                        .startsWith("User: Message 0: I am thinking about a trip to city number 0."));
        JsonNode after = wm(session, user);
        List<String> kept = new ArrayList<>();
        after.get("messages").forEach(m -> kept.add(m.get("id").asString()));
        assertThat(kept).isNotEmpty().hasSizeLessThan(30).endsWith(session + "-29");
        assertThat(after.get("context").asString()).contains("city number " + (29 - kept.size()) + ".");

        int folded = 30 - kept.size();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(count(
                                "SELECT coalesce(sum(summarized_turns), 0) FROM session_summaries WHERE session_id = ?",
                                session))
                        .isEqualTo(folded));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> assertThat(count("SELECT count(*) FROM conversation_turns WHERE session_id = ?", session))
                                .isEqualTo(30));
    }

    private static JsonNode wm(String session, String user) {
        Api.Response response = api.get("/v1/working-memory/" + session + "?user_id=" + user);
        assertThat(response.status()).isEqualTo(200);
        return response.body();
    }

    private static int count(String sql, String arg) throws SQLException {
        try (Connection c = TestDatabase.connect();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
