package io.memstream.extractor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.Turn;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleBasedExtractorTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private final RuleBasedExtractor extractor = new RuleBasedExtractor();

    private static Turn userTurn(String content) {
        return new Turn("turn-1", "t1", "default", "u1", "s1", "user", content, T0, T0);
    }

    private Map<String, String> facts(String content) {
        Map<String, String> found = new LinkedHashMap<>();
        for (FactCandidate c : extractor.extract(userTurn(content))) {
            found.put(c.factKey().key(), c.value().asString());
        }
        return found;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            My name is Ana Lopez.                          | name                         | Ana Lopez
            Hi, I'm Ana                                    | name                         | Ana
            Please call me Bob.                            | name                         | Bob
            I live in San Francisco.                       | location.home                | San Francisco
            I just moved to Berlin last month              | location.home                | Berlin
            I'm based in Paris, France                     | location.home                | Paris, France
            I'm originally from Lyon                       | location.origin              | Lyon
            I work at TechCorp.                            | work.employer                | TechCorp
            I'm currently working for Acme Labs            | work.employer                | Acme Labs
            I joined Globex last year                      | work.employer                | Globex
            I work as a data scientist                     | work.role                    | data scientist
            I'm a senior software engineer                 | work.role                    | senior software engineer
            I love hiking in the mountains                 | preference.hiking_in_the_mountains | like
            I really enjoy Thai food, especially curry     | preference.thai_food         | like
            I'm a big fan of jazz                          | preference.jazz              | like
            I hate cilantro because it tastes like soap    | preference.cilantro          | dislike
            I don't like early calls                       | preference.early_calls       | dislike
            I prefer morning meetings                      | preference.morning_meetings  | prefer
            I prefer tea over coffee                       | preference.tea               | prefer
            I prefer tea rather than coffee, honestly      | preference.tea               | prefer
            I'm vegetarian                                 | diet                         | vegetarian
            I am a strict Vegan                            | diet                         | vegan
            I don't eat pork                               | diet.avoids.pork             | pork
            I'm allergic to peanuts                        | health.allergy.peanuts       | peanuts
            I have a shellfish allergy                     | health.allergy.shellfish     | shellfish
            I have a severe dust mite allergy              | health.allergy.dust_mite     | dust mite
            """)
    void readsTheCommonStatementsAboutOneself(String content, String key, String value) {
        assertThat(facts(content)).containsEntry(key, value);
    }

    @Test
    void oneTurnCanStateSeveralFacts() {
        assertThat(
                        facts(
                                "Hi, my name is Ana and I work at TechCorp. I'm vegetarian and I'm allergic to nuts and shellfish."))
                .containsEntry("name", "Ana")
                .containsEntry("work.employer", "TechCorp")
                .containsEntry("diet", "vegetarian")
                .containsEntry("health.allergy.nuts", "nuts")
                .containsEntry("health.allergy.shellfish", "shellfish");
    }

    @Test
    void runsOfSpacesChangeNeitherTheClausesNorTheList() {
        assertThat(facts("I'm allergic to nuts   and   shellfish    and I like jazz"))
                .containsEntry("health.allergy.nuts", "nuts")
                .containsEntry("health.allergy.shellfish", "shellfish")
                .containsEntry("preference.jazz", "like");
    }

    @Test
    void aRoleAtACompanyGivesBothRoleAndEmployer() {
        assertThat(facts("I'm a product manager at Initech"))
                .containsEntry("work.role", "product manager")
                .containsEntry("work.employer", "Initech");
    }

    @Test
    void anEmployerWithARoleGivesBoth() {
        assertThat(facts("I work at Acme Robotics as a product manager."))
                .containsEntry("work.employer", "Acme Robotics")
                .containsEntry("work.role", "product manager");
    }

    @Test
    void candidatesCarryStandaloneTextEvidenceAndProvenance() {
        FactCandidate c = extractor.extract(userTurn("I live in Paris.")).getFirst();
        assertThat(c.text()).isEqualTo("User lives in Paris.");
        assertThat(c.sourceTurnIds()).containsExactly("turn-1");
        assertThat(c.extractor()).isEqualTo(RuleBasedExtractor.ID);
        assertThat(c.observedAt()).isEqualTo(T0);
        assertThat(c.confidence()).isBetween(0.0, 1.0);
        assertThat(c.factKey().tenantId()).isEqualTo("t1");
        assertThat(c.entities()).containsExactly("Paris");
    }

    @Test
    void theSameTurnAlwaysYieldsTheSameCandidateIds() {
        List<String> first = extractor.extract(userTurn("I work at TechCorp")).stream()
                .map(FactCandidate::candidateId)
                .toList();
        List<String> again = extractor.extract(userTurn("I work at TechCorp")).stream()
                .map(FactCandidate::candidateId)
                .toList();
        assertThat(first).hasSize(1).isEqualTo(again);
    }

    @Test
    void everyLearnedKeyCanBeNamedInAPath() {
        // The API's fact routes take keys of [A-Za-z0-9_.:-]; a key the rules learn must be one of them.
        assertThat(facts("I like café au lait")).containsOnlyKeys("preference.cafe_au_lait");
        assertThat(facts("I love 寿司").keySet())
                .singleElement()
                .satisfies(key -> assertThat(key).matches("preference\\.u[0-9a-f]{16}"));
        assertThat(facts("I love 寿司")).isEqualTo(facts("I love 寿司"));
        assertThat(facts("I love 寿司")).isNotEqualTo(facts("I love ラーメン"));
    }

    @Test
    void theLastStatementAboutAKeyInATurnWins() {
        assertThat(facts("I like tea. Actually, I hate tea.")).containsEntry("preference.tea", "dislike");
    }

    @Test
    void onlyTheUsersOwnTurnsAreEvidence() {
        Turn assistant = new Turn("a1", "t1", "default", "u1", "s1", "assistant", "I live in Paris", T0, T0);
        Turn anonymous = new Turn("a2", "t1", "default", null, "s1", "user", "I live in Paris", T0, T0);
        assertThat(extractor.extract(assistant)).isEmpty();
        assertThat(extractor.extract(anonymous)).isEmpty();
    }

    @Test
    void ordinaryChatYieldsNothing() {
        assertThat(facts("What's the weather like tomorrow? I'd like a table for two."))
                .isEmpty();
        assertThat(facts("I'm tired")).isEmpty();
    }
}
