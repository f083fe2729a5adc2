package io.memstream.ingest.turns;

import io.memstream.common.events.Turn;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The one way turns enter the pipeline, from fire-and-forget ingestion and from working memory
 * alike: turns already accepted are skipped, the rest are published and acknowledged, then remembered.
 */
@Component
public class TurnLog {

    private final TurnPublisher publisher;
    private final AcceptedTurns accepted;

    TurnLog(TurnPublisher publisher, AcceptedTurns accepted) {
        this.publisher = publisher;
        this.accepted = accepted;
    }

    /**
     * Returns the ids that had been accepted before and were not published again.
     *
     * @throws TurnsNotPersistedException when the broker did not acknowledge in time
     */
    public Set<String> append(String tenant, List<Turn> turns) {
        if (turns.isEmpty()) {
            return Set.of();
        }
        Set<String> duplicates = accepted.alreadyAccepted(
                tenant, turns.stream().map(Turn::turnId).toList());
        List<Turn> fresh =
                turns.stream().filter(t -> !duplicates.contains(t.turnId())).toList();
        if (!fresh.isEmpty()) {
            publisher.publish(fresh);
            accepted.remember(tenant, fresh.stream().map(Turn::turnId).toList());
        }
        return duplicates;
    }
}
