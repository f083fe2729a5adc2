package io.memstream.common.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void ulidsAreUniqueAndSortByCreation() {
        String first = Ids.newUlid();
        String second = Ids.newUlid();
        assertThat(first).hasSize(26).isLessThan(second);
    }

    @Test
    void derivedIdsDependOnEveryPartAndNothingElse() {
        assertThat(Ids.derived("a", "b")).isEqualTo(Ids.derived("a", "b"));
        assertThat(Ids.derived("a", "b")).isNotEqualTo(Ids.derived("ab"));
        assertThat(Ids.derived("a", "b")).isNotEqualTo(Ids.derived("b", "a"));
    }
}
