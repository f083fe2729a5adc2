package io.memstream.common.events;

import com.github.f4b6a3.ulid.UlidCreator;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Identifiers: ULIDs for new things (sortable by time, as AMS uses), name-based ids for derived ones. */
public final class Ids {

    private Ids() {}

    public static String newUlid() {
        return UlidCreator.getMonotonicUlid().toString();
    }

    /** The same parts always give the same id, so a replayed or redelivered derivation lands on one row. */
    public static String derived(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
