package io.memstream.ingest.workingmemory;

import io.memstream.common.events.SessionSummary;
import io.memstream.common.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Applies each new session summary to working memory: the summary becomes the session's context and
 * the messages it folded leave. ingest-api stays the only writer of working memory.
 */
@Component
class SummaryListener {

    private final WorkingMemoryStore store;

    SummaryListener(WorkingMemoryStore store) {
        this.store = store;
    }

    @KafkaListener(
            id = "summary-applier",
            groupId = "${memstream.ingest.summary-group-id:memstream-ingest-summaries}",
            topics = "memstream.session-summaries",
            containerFactory = "summaryContainerFactory")
    void onSummary(ConsumerRecord<byte[], byte[]> record) {
        SessionSummary s = Topics.SESSION_SUMMARIES.valueSerde().deserialize(record.topic(), record.value());
        store.applySummary(
                new SessionRef(s.tenantId(), s.namespace(), s.userId(), s.sessionId()),
                s.generation(),
                s.summary(),
                s.foldedMessageIds());
    }
}
