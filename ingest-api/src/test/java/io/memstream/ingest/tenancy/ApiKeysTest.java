package io.memstream.ingest.tenancy;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class ApiKeysTest {

    /** No database: a refused id never reaches it. */
    private final ApiKeys keys = new ApiKeys(null);

    @Test
    void aKeyIsNeverMadeForATenantOrUserTheApiCouldNotName() {
        for (String id : new String[] {"a/b", "a;b", "..", "", "ä"}) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> keys.create("tenant", id, "test"))
                    .withMessageContaining("the user '" + id + "' is not an id");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> keys.create(id, null, "test"))
                    .withMessageContaining("the tenant '" + id + "' is not an id");
        }
    }
}
