package io.memstream.ingest.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CallerTest {

    @Test
    void aTenantWideKeyActsOnWhicheverUserTheRequestNames() {
        Caller caller = new Caller("t1", null);
        assertThat(caller.userId("ana")).isEqualTo("ana");
        assertThat(caller.userId(null)).isNull();
    }

    @Test
    void aUserBoundKeyActsOnlyOnItsUser() {
        Caller caller = new Caller("t1", "ana");
        assertThat(caller.userId("ana")).isEqualTo("ana");
        assertThat(caller.userId(null)).isEqualTo("ana");
        assertThat(caller.userId(" ")).isEqualTo("ana");
        assertThatThrownBy(() -> caller.userId("bob"))
                .isInstanceOf(UserNotAllowedException.class)
                .hasMessageContaining("'bob'");
    }

    @Test
    void keysAreStoredAsTheirSha256() {
        assertThat(ApiKeys.hash("msk_abc")).hasSize(32).isEqualTo(ApiKeys.hash("msk_abc"));
        assertThat(ApiKeys.hash("msk_abc")).isNotEqualTo(ApiKeys.hash("msk_abd"));
    }
}
