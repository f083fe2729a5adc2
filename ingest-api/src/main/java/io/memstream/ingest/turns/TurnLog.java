package io.memstream.ingest.turns;

import io.memstream.common.events.Turn;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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
     * Returns the ids that had been accepted before (for the same user) and were not published again.
     *
     * @throws TurnsNotPersistedException when the broker did not acknowledge in time
     * @throws TurnIdConflictException when an id was accepted before for another session
     */
    public Set<String> append(String tenant, List<Turn> turns) {
        if (turns.isEmpty()) {
            return Set.of();
        }
        Map<String, String> accepted = this.accepted.alreadyAccepted(tenant, turns);
        for (Turn t : turns) {
            String session = accepted.get(AcceptedTurns.identity(t));
            // Older entries recorded no session ("1"): they cannot be told apart, so count as the same.
            if (session != null && !session.equals("1") && !session.equals(AcceptedTurns.sessionOf(t))) {
                throw new TurnIdConflictException(t.turnId());
            }
        }
        List<Turn> fresh = turns.stream()
                .filter(t -> !accepted.containsKey(AcceptedTurns.identity(t)))
                .toList();
        if (!fresh.isEmpty()) {
            publisher.publish(fresh);
            this.accepted.remember(tenant, fresh);
        }
        return turns.stream()
                .filter(t -> accepted.containsKey(AcceptedTurns.identity(t)))
                .map(Turn::turnId)
                .collect(Collectors.toSet());
    }
}
