package io.memstream.common.topics;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactEvent;
import io.memstream.common.events.FactKey;
import io.memstream.common.events.SessionKey;
import io.memstream.common.events.SessionSummary;
import io.memstream.common.events.SummaryRequest;
import io.memstream.common.events.Turn;
import io.memstream.common.json.JsonSerde;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Every topic of the pipeline with its serdes, in one immutable place. */
public final class Topics {

    /**
     * The source of truth: kept forever by default so that any extraction can be replayed. Keyed by
     * session, so a session's turns keep their order.
     */
    public static final TopicSpec<SessionKey, Turn> TURNS = new TopicSpec<>(
            "memstream.turns",
            new JsonSerde<>(SessionKey.class),
            new JsonSerde<>(Turn.class),
            6,
            Map.of("retention.ms", "-1", "cleanup.policy", "delete"));

    /** What extractors believe, keyed by the fact they are about, so dedup sees one key in order. */
    public static final TopicSpec<FactKey, FactCandidate> FACT_CANDIDATES = new TopicSpec<>(
            "memstream.fact-candidates",
            new JsonSerde<>(FactKey.class),
            new JsonSerde<>(FactCandidate.class),
            6,
            Map.of("retention.ms", retention(Duration.ofDays(7)), "cleanup.policy", "delete"));

    /** Every decision dedup made; Postgres is written from it and other services may subscribe. */
    public static final TopicSpec<FactKey, FactEvent> FACT_CHANGELOG = new TopicSpec<>(
            "memstream.facts.changelog",
            new JsonSerde<>(FactKey.class),
            new JsonSerde<>(FactEvent.class),
            6,
            Map.of("retention.ms", retention(Duration.ofDays(7)), "cleanup.policy", "delete"));

    /** Sessions whose working memory outgrew its window, with the messages to fold. */
    public static final TopicSpec<SessionKey, SummaryRequest> SUMMARY_REQUESTS = new TopicSpec<>(
            "memstream.summary-requests",
            new JsonSerde<>(SessionKey.class),
            new JsonSerde<>(SummaryRequest.class),
            6,
            Map.of("retention.ms", retention(Duration.ofDays(7)), "cleanup.policy", "delete"));

    /** New running summaries: applied to working memory by ingest-api and stored in Postgres. */
    public static final TopicSpec<SessionKey, SessionSummary> SESSION_SUMMARIES = new TopicSpec<>(
            "memstream.session-summaries",
            new JsonSerde<>(SessionKey.class),
            new JsonSerde<>(SessionSummary.class),
            6,
            Map.of("retention.ms", retention(Duration.ofDays(7)), "cleanup.policy", "delete"));

    /** Records no stage could process, with the reason in the headers; never deleted by time. */
    public static final String DEAD_LETTERS = "memstream.dead-letters";

    public static final List<TopicSpec<?, ?>> ALL =
            List.of(TURNS, FACT_CANDIDATES, FACT_CHANGELOG, SUMMARY_REQUESTS, SESSION_SUMMARIES);

    private Topics() {}

    private static String retention(Duration duration) {
        return Long.toString(duration.toMillis());
    }
}
