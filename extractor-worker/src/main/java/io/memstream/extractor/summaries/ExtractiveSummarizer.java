package io.memstream.extractor.summaries;

import io.memstream.common.events.SummaryRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The offline summarizer: keeps the first sentence of each folded message, labelled by speaker,
 * after the previous summary. The result is bounded: when it grows past the limit the oldest
 * sentences give way, so the cost of the summary stays flat however long the session runs.
 */
public final class ExtractiveSummarizer implements Summarizer {

    public static final String ID = "extractive/1";

    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
    private static final int MAX_SENTENCE_CHARS = 200;

    private final int maxChars;

    public ExtractiveSummarizer(int maxChars) {
        this.maxChars = maxChars;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String summarize(SummaryRequest request) {
        List<String> parts = new ArrayList<>();
        if (request.previousSummary() != null && !request.previousSummary().isBlank()) {
            parts.add(request.previousSummary().strip());
        }
        for (SummaryRequest.Message m : request.messages()) {
            String first = SENTENCE_END.split(m.content().strip(), 2)[0];
            if (first.length() > MAX_SENTENCE_CHARS) {
                first = first.substring(0, MAX_SENTENCE_CHARS - 1) + "…";
            }
            parts.add(speaker(m.role()) + ": " + first);
        }
        String summary = String.join(" ", parts);
        if (summary.length() <= maxChars) {
            return summary;
        }
        // Drop whole sentences from the front: what was said last matters most to the next turn.
        String tail = summary.substring(summary.length() - maxChars);
        int cut = tail.indexOf(' ');
        return "…" + (cut >= 0 ? tail.substring(cut) : tail);
    }

    private static String speaker(String role) {
        return switch (role) {
            case "user" -> "User";
            case "assistant" -> "Assistant";
            default -> role.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + role.substring(1);
        };
    }
}
