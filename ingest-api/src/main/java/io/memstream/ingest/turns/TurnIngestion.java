package io.memstream.ingest.turns;

import io.memstream.common.events.Ids;
import io.memstream.common.events.Namespaces;
import io.memstream.common.events.Turn;
import io.memstream.ingest.tenancy.Caller;
import io.memstream.ingest.tenancy.ErasedUserGuard;
import io.memstream.ingest.web.ClockSkew;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;

/** Turns requests into turn events, skips ids already accepted, publishes the rest. */
@Service
class TurnIngestion {

    private final TurnLog log;
    private final Clock clock;
    private final ErasedUserGuard erased;

    TurnIngestion(TurnLog log, Clock clock, ErasedUserGuard erased) {
        this.log = log;
        this.clock = clock;
        this.erased = erased;
    }

    /** @param fieldPrefix how the request names each turn in errors, e.g. {@code turns[3].} */
    TurnsAccepted accept(Caller caller, List<TurnRequest> requests, String fieldPrefix) {
        Instant now = clock.instant();
        // A repeated id (of one user) within one request is one turn: the first copy counts.
        Map<String, Turn> byId = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            Turn turn = toTurn(caller, requests.get(i), now, fieldPrefix.formatted(i));
            byId.putIfAbsent(AcceptedTurns.identity(turn), turn);
        }
        List<Turn> turns = List.copyOf(byId.values());
        turns.forEach(t -> erased.requireNotErased(t.tenantId(), t.userId()));
        List<String> ids = turns.stream().map(Turn::turnId).toList();
        Set<String> duplicates = log.append(caller.tenant(), turns);
        return new TurnsAccepted(
                "accepted", ids, ids.stream().filter(duplicates::contains).toList());
    }

    private static Turn toTurn(Caller caller, TurnRequest r, Instant now, String field) {
        Instant createdAt = r.createdAt() == null ? now : r.createdAt();
        ClockSkew.requireNotFuture(createdAt, now, field + "created_at");
        String namespace = Namespaces.orDefault(r.namespace());
        String id = r.id() == null || r.id().isBlank() ? Ids.newUlid() : r.id();
        return new Turn(
                id,
                caller.tenant(),
                namespace,
                caller.userId(r.userId()),
                r.sessionId(),
                r.role(),
                r.content(),
                createdAt,
                now);
    }
}
