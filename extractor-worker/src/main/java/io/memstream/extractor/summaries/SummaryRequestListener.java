package io.memstream.extractor.summaries;

import io.memstream.common.events.SessionKey;
import io.memstream.common.events.SessionSummary;
import io.memstream.common.events.SummaryRequest;
import io.memstream.common.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/** Summarizes each request and publishes the summary before its offset is committed. */
@Component
class SummaryRequestListener {

    private final Summarizer summarizer;
    private final KafkaTemplate<SessionKey, SessionSummary> summaries;
    private final Duration publishTimeout;

    SummaryRequestListener(
            Summarizer summarizer,
            KafkaTemplate<SessionKey, SessionSummary> summaries,
            @Value("${memstream.extractor.publish-timeout:30s}") Duration publishTimeout) {
        this.summarizer = summarizer;
        this.summaries = summaries;
        this.publishTimeout = publishTimeout;
    }

    @KafkaListener(
            id = "session-summarizer",
            groupId = "${memstream.extractor.group-id:memstream-extractor}-summaries",
            topics = "memstream.summary-requests",
            containerFactory = "summaryRequestContainerFactory")
    void onRequest(ConsumerRecord<byte[], byte[]> record)
            throws ExecutionException, InterruptedException, TimeoutException {
        SummaryRequest request = Topics.SUMMARY_REQUESTS.valueSerde().deserialize(record.topic(), record.value());
        SessionSummary summary = new SessionSummary(
                request.tenantId(),
                request.namespace(),
                request.userId(),
                request.sessionId(),
                request.generation(),
                summarizer.summarize(request),
                request.messages().stream().map(SummaryRequest.Message::id).toList(),
                summarizer.id(),
                Instant.now());
        summaries
                .send(Topics.SESSION_SUMMARIES.name(), summary.sessionKey(), summary)
                .get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
