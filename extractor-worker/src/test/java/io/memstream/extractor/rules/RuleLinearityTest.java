package io.memstream.extractor.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.memstream.common.events.Turn;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules read a turn in time linear in its length, whatever its shape. Work is counted, not
 * timed: the characters the regex engine reads (backtracking reads them again), which is the same
 * on any machine under any load. A turn of 100,000 characters (the most ingest-api accepts) may
 * cost at most twice ten times what a turn of 10,000 characters of the same shape costs, where a
 * quadratic rule costs a hundred times.
 */
class RuleLinearityTest {

    private static final int SMALL = 10_000;
    private static final int LARGE = 100_000;
    private static final int SLACK = 2;
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    /** A turn of {@code head}, then {@code unit} over and over, then {@code tail}. */
    record Shape(String name, String head, String unit, String tail) {

        String of(int length) {
            StringBuilder s = new StringBuilder(length + unit.length()).append(head);
            while (s.length() < length - tail.length()) {
                s.append(unit);
            }
            s.setLength(length - tail.length());
            return s.append(tail).toString();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A text that counts the characters read from it. */
    private static final class Counted implements CharSequence {

        private final CharSequence text;
        private final long[] reads;

        Counted(CharSequence text, long[] reads) {
            this.text = text;
            this.reads = reads;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            reads[0]++;
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            reads[0] += end - start;
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            reads[0] += text.length();
            return text.toString();
        }
    }

    static Stream<Shape> adversarialTurns() {
        return Stream.of(
                new Shape("a run of spaces, no statement", "hello", " ", "x"),
                new Shape("a run of spaces after allergic to", "I'm allergic to peanuts", " ", "x"),
                new Shape("a run of spaces after like", "I like tea", " ", "x"),
                new Shape("a run of spaces after prefer", "I prefer tea", " ", "x"),
                new Shape("a run of spaces before allergy", "I have a dust", " ", "mite allergy"),
                new Shape("a run of spaces before and I", "I like tea", " ", "and I like jazz"),
                new Shape("closing quotes after like", "I like tea", "\"", "x"),
                new Shape("closing brackets after allergic to", "I'm allergic to nuts", ")", "x"),
                new Shape("i prefer, over and over", "", "i prefer ", ""),
                new Shape("i prefer this over that, with a carriage return", "I prefer ", "tea over ", "\rx"),
                new Shape("i have, over and over", "", "i have ", ""),
                new Shape("I'm a, over and over", "", "I'm a ", ""),
                new Shape("my name is, over and over", "", "my name is Ana ", ""),
                new Shape("allergic to a long list with commas", "I'm allergic to ", "nuts, ", "x"),
                new Shape("allergic to a long list with and", "I'm allergic to ", "nuts and ", "x"),
                new Shape("allergic to one endless word", "I'm allergic to ", "a", ""),
                new Shape("many capitalised words", "", "I Am From San Francisco I Work At Acme Labs Ana ", ""),
                new Shape("a reason after every phrase", "I like tea", " because so if as", "x"),
                new Shape(
                        "statements with no sentence break",
                        "",
                        "i really like long walks and i work at Initech as a senior software engineer but i hate rain ",
                        ""),
                new Shape("blank lines and tabs", "I like tea", "\n\t\r\n \t", "x"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adversarialTurns")
    void aTurnTenTimesLongerCostsAtMostTenTimesMore(Shape shape) {
        long small = reads(shape.of(SMALL));
        long bound = small * 10 * SLACK;

        // A hang guard, not a measure: a quadratic rule on the long turn fails here instead of holding the build.
        long large = assertTimeoutPreemptively(
                Duration.ofMinutes(1), () -> reads(shape.of(LARGE)), () -> shape + ": no answer in a minute");

        assertThat(large)
                .as("%s: %d chars read %d characters, %d chars %d", shape, SMALL, small, LARGE, large)
                .isLessThanOrEqualTo(bound);
    }

    @org.junit.jupiter.api.Test
    void theCountSeesTheWorkOfAQuadraticPattern() {
        // The measure itself: a pattern known to be quadratic on a run of spaces (each start re-reads the run).
        java.util.regex.Pattern quadratic = java.util.regex.Pattern.compile("\\s+x");
        long[] small = {0};
        long[] large = {0};
        quadratic.matcher(new Counted(" ".repeat(1_000), small)).find();
        quadratic.matcher(new Counted(" ".repeat(10_000), large)).find();

        assertThat(large[0]).isGreaterThan(small[0] * 10 * SLACK);
    }

    private static long reads(String content) {
        long[] reads = {0};
        new RuleBasedExtractor(text -> new Counted(text, reads)).extract(userTurn(content));
        return reads[0];
    }

    private static Turn userTurn(String content) {
        return new Turn("turn-1", "t1", "default", "u1", "s1", "user", content, T0, T0);
    }
}
