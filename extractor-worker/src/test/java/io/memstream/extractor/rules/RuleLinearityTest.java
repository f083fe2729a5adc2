package io.memstream.extractor.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.memstream.common.events.Turn;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules read a turn in time linear in its length, whatever its shape. A turn of 100,000
 * characters (the most ingest-api accepts) takes at most ten times what a turn of 10,000 characters
 * of the same shape takes in the same run, times a slack for a noisy machine: 50 times in all, where
 * a quadratic rule takes 100 times.
 */
class RuleLinearityTest {

    private static final int SMALL = 10_000;
    private static final int LARGE = 100_000;
    private static final double SLACK = 5;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    private final RuleBasedExtractor extractor = new RuleBasedExtractor();

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

    @BeforeAll
    static void warmUp() {
        RuleBasedExtractor extractor = new RuleBasedExtractor();
        String ordinary = "Hi, my name is Ana and I work at TechCorp. I'm vegetarian and I'm allergic to nuts. ";
        for (int i = 0; i < 20; i++) {
            extractor.extract(userTurn(ordinary.repeat(100)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adversarialTurns")
    void aTurnTenTimesLongerTakesAtMostTenTimesLonger(Shape shape) {
        Turn small = userTurn(shape.of(SMALL));
        Turn large = userTurn(shape.of(LARGE));
        // The fastest of a few runs: a pause of the machine only ever makes a run slower.
        long baseline = LongStream.range(0, 5).map(i -> cpuTime(small)).min().orElseThrow();
        long bound = (long) (baseline * 10 * SLACK);

        // Given up far above the bound, so that a quadratic rule fails the build instead of hanging it.
        long took = assertTimeoutPreemptively(
                Duration.ofNanos(bound).multipliedBy(4),
                () -> {
                    long best = cpuTime(large);
                    // Once more if just over: twice the bound is no accident of the machine.
                    for (int i = 1; i < 3 && best > bound && best < 2 * bound; i++) {
                        best = Math.min(best, cpuTime(large));
                    }
                    return best;
                },
                () -> shape + ": far beyond " + bound / 1e6 + " ms");

        assertThat(took)
                .as("%s: %d chars took %.2f ms, %d chars %.2f ms", shape, SMALL, baseline / 1e6, LARGE, took / 1e6)
                .isLessThanOrEqualTo(bound);
    }

    /** CPU time, not time on the clock: it does not grow with the load of a shared machine. */
    private long cpuTime(Turn turn) {
        long start = THREADS.getCurrentThreadCpuTime();
        extractor.extract(turn);
        return THREADS.getCurrentThreadCpuTime() - start;
    }

    private static Turn userTurn(String content) {
        return new Turn("turn-1", "t1", "default", "u1", "s1", "user", content, T0, T0);
    }
}
