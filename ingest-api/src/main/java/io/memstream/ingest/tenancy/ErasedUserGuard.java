package io.memstream.ingest.tenancy;

import io.memstream.common.erasure.ErasedUsers;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Refuses writes about erased users. Other instances of the API learn of an erasure within the
 * refresh interval; the dedup sinks drop anything that slips through in that window.
 */
@Component
public class ErasedUserGuard {

    private final ErasedUsers erased;

    ErasedUserGuard(DataSource dataSource) {
        this.erased = new ErasedUsers(dataSource, Duration.ofSeconds(5));
    }

    /** @throws UserErasedException (a 410) when the user was erased */
    public void requireNotErased(String tenant, String userId) {
        if (erased.contains(tenant, userId)) {
            throw new UserErasedException(userId);
        }
    }

    public void erased(String tenant, String userId) {
        erased.erased(tenant, userId);
    }
}
