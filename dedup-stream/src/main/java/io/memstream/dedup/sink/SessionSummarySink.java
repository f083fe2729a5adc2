package io.memstream.dedup.sink;

import io.memstream.common.events.SessionSummary;
import io.memstream.common.topics.Topics;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Keeps each session's latest running summary in session_summaries. */
@Component
class SessionSummarySink extends PostgresSink<SessionSummary> {

    static final String NAME = "summaries";

    private static final String UPSERT = """
            INSERT INTO session_summaries (tenant_id, namespace, session_id, user_id, summary, summarized_turns,
                                           last_turn_id, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (tenant_id, namespace, user_id, session_id) DO UPDATE SET
                summary = excluded.summary,
                summarized_turns = session_summaries.summarized_turns + excluded.summarized_turns,
                last_turn_id = excluded.last_turn_id, updated_at = excluded.updated_at
            """;

    private final JdbcTemplate jdbc;
    private final ErasedUsers erasedUsers;

    SessionSummarySink(JdbcTemplate jdbc, ErasedUsers erasedUsers, SinkSupport support) {
        super(NAME, Topics.SESSION_SUMMARIES.valueSerde(), support);
        this.jdbc = jdbc;
        this.erasedUsers = erasedUsers;
    }

    @KafkaListener(
            id = "summary-sink",
            groupId = "${memstream.sink.group-prefix:memstream}-summary-sink",
            topics = "memstream.session-summaries",
            containerFactory = "sinkContainerFactory")
    void onBatch(List<ConsumerRecord<byte[], byte[]>> records) {
        consume(records);
    }

    @Override
    void write(List<SessionSummary> all) {
        List<SessionSummary> summaries = erasedUsers.keep(all, SessionSummary::tenantId, SessionSummary::userId);
        jdbc.batchUpdate(UPSERT, summaries, summaries.size(), (ps, s) -> {
            ps.setString(1, s.tenantId());
            ps.setString(2, s.namespace());
            ps.setString(3, s.sessionId());
            ps.setString(4, s.userId() == null ? "" : s.userId());
            ps.setString(5, s.summary());
            ps.setInt(6, s.foldedMessageIds().size());
            ps.setString(
                    7,
                    s.foldedMessageIds().isEmpty() ? null : s.foldedMessageIds().getLast());
            ps.setTimestamp(8, Timestamps.of("created_at", s.createdAt()));
        });
    }
}
