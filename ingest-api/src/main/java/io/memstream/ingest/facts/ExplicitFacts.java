package io.memstream.ingest.facts;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactKey;
import io.memstream.common.events.Ids;
import io.memstream.common.events.MemoryKeys;
import io.memstream.common.events.Namespaces;
import io.memstream.common.json.Json;
import io.memstream.ingest.kafka.CandidatePublisher;
import io.memstream.ingest.tenancy.ErasedUserGuard;
import io.memstream.ingest.web.InvalidFieldException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/**
 * Explicit key/value writes go through the same dedup stream as everything learned, as candidates
 * with confidence 1.0, so later dedup decisions agree with what the user set.
 */
@Service
class ExplicitFacts {

    static final String EXTRACTOR = "explicit";
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,256}");
    private static final int MAX_VALUE_BYTES = 10 * 1024;

    private final CandidatePublisher candidates;
    private final Clock clock;
    private final ErasedUserGuard erased;

    ExplicitFacts(CandidatePublisher candidates, Clock clock, ErasedUserGuard erased) {
        this.candidates = candidates;
        this.clock = clock;
        this.erased = erased;
    }

    /** Returns the write's id, which is also its evidence id in the fact's sources. */
    String write(String tenant, String userId, String key, ExplicitFact fact) {
        if (!KEY.matcher(key).matches()) {
            throw new InvalidFieldException(
                    "key", "must be 1 to 256 letters, digits or . _ : - (was " + key.length() + " characters)");
        }
        if (MemoryKeys.isFreeText(key)) {
            throw new InvalidFieldException(
                    "key", "must not start with '" + MemoryKeys.PREFIX + "', which is reserved for free-text memories");
        }
        int size = Json.MAPPER.writeValueAsBytes(fact.value()).length;
        if (size > MAX_VALUE_BYTES) {
            throw new InvalidFieldException("value", "is " + size + " bytes of JSON; at most " + MAX_VALUE_BYTES);
        }
        erased.requireNotErased(tenant, userId);
        String namespace = Namespaces.orDefault(fact.namespace());
        String writeId = "write:" + Ids.newUlid();
        Instant now = clock.instant();
        String shown =
                fact.value().isString() ? fact.value().asString() : fact.value().toString();
        FactCandidate candidate = new FactCandidate(
                writeId,
                new FactKey(tenant, userId, namespace, key),
                fact.value(),
                fact.text() != null ? fact.text() : "User's " + key + " is " + shown + ".",
                "semantic",
                List.of(),
                List.of(),
                1.0,
                List.of(writeId),
                null,
                EXTRACTOR,
                now,
                null);
        candidates.publish(List.of(candidate));
        return writeId;
    }
}
