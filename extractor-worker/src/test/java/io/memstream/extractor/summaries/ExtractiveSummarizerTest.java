package io.memstream.extractor.summaries;

import static org.assertj.core.api.Assertions.assertThat;

import io.memstream.common.events.SummaryRequest;
import io.memstream.common.events.SummaryRequest.Message;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtractiveSummarizerTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    private static SummaryRequest request(String previous, Message... messages) {
        return new SummaryRequest("t1", "default", "u1", "s1", "g1", previous, List.of(messages), T0);
    }

    @Test
    void keepsTheFirstSentenceOfEachFoldedMessageAfterThePreviousSummary() {
        String summary = new ExtractiveSummarizer(2000)
                .summarize(request(
                        "User: Hi, I'm Ana.",
                        new Message("m1", "user", "I'm planning a trip to Lisbon. It is in May.", T0),
                        new Message("m2", "assistant", "Great choice! Lisbon is lovely in May.", T0)));

        assertThat(summary)
                .isEqualTo("User: Hi, I'm Ana. User: I'm planning a trip to Lisbon. Assistant: Great choice!");
    }

    @Test
    void staysBoundedByDroppingTheOldestPart() {
        ExtractiveSummarizer summarizer = new ExtractiveSummarizer(100);
        String summary = null;
        for (int i = 0; i < 50; i++) {
            summary =
                    summarizer.summarize(request(summary, new Message("m" + i, "user", "Fact number " + i + ".", T0)));
        }

        assertThat(summary.length()).isLessThanOrEqualTo(101);
        assertThat(summary).startsWith("…").endsWith("User: Fact number 49.");
        assertThat(summary).doesNotContain("Fact number 1.");
    }
}
