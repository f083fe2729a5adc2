package io.memstream.ingest.workingmemory;

import io.memstream.common.events.SessionKey;
import io.memstream.common.events.SummaryRequest;
import io.memstream.common.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * When a session's messages pass the summarization threshold of its context window, asks the
 * pipeline to fold the oldest ones into the running summary. Only the request is published here;
 * the summary arrives later through {@link SummaryListener}, so no route waits for a summarizer.
 */
@Component
class Summarization {

    private static final Logger log = LoggerFactory.getLogger(Summarization.class);
    // Long enough for a slow LLM; a lost request is asked again after it.
    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final int MAX_FOLD = 200;
    private static final long MAX_FOLD_CHARS = 256 * 1024;

    private final WorkingMemoryStore store;
    private final TokenCounter tokens;
    private final WorkingMemorySettings settings;
    private final KafkaTemplate<SessionKey, SummaryRequest> requests;
    private final Clock clock;

    Summarization(
            WorkingMemoryStore store,
            TokenCounter tokens,
            WorkingMemorySettings settings,
            KafkaTemplate<SessionKey, SummaryRequest> summaryRequestTemplate,
            Clock clock) {
        this.store = store;
        this.tokens = tokens;
        this.settings = settings;
        this.requests = summaryRequestTemplate;
        this.clock = clock;
    }

    void requestIfNeeded(SessionRef ref, StoredSession session, int window) {
        double threshold = window * settings.summarizationThreshold();
        List<MemoryMessage> messages = session.messages();
        int used = tokens.text(session.context())
                + messages.stream().mapToInt(tokens::message).sum();
        if (used <= threshold || messages.size() < 2) {
            return;
        }
        // Fold the oldest until what stays fills half the threshold, keeping at least the last message.
        List<SummaryRequest.Message> fold = new ArrayList<>();
        // Bounded per request, so even a huge window makes requests the broker accepts; the next
        // write asks for the rest.
        long foldedChars = 0;
        for (int i = 0;
                i < messages.size() - 1
                        && used > threshold / 2
                        && fold.size() < MAX_FOLD
                        && foldedChars < MAX_FOLD_CHARS;
                i++) {
            MemoryMessage m = messages.get(i);
            used -= tokens.message(m);
            foldedChars += m.content().length();
            fold.add(new SummaryRequest.Message(m.id(), m.role(), m.content(), m.createdAt()));
        }
        if (!store.tryLockSummarizing(ref, LEASE)) {
            return;
        }
        SummaryRequest request = new SummaryRequest(
                ref.tenant(),
                ref.namespace(),
                ref.userId().isEmpty() ? null : ref.userId(),
                ref.sessionId(),
                session.generation(),
                session.context(),
                fold,
                clock.instant());
        // Not awaited: the write that triggered it answers now. If the request is lost, the messages
        // are still in working memory and on the turns topic, and the next write asks again.
        requests.send(Topics.SUMMARY_REQUESTS.name(), request.sessionKey(), request)
                .whenComplete((sent, failure) -> {
                    if (failure != null) {
                        log.warn("could not request a summary for session {}: {}", ref.sessionId(), failure.toString());
                        store.unlockSummarizing(ref);
                    }
                });
    }
}
