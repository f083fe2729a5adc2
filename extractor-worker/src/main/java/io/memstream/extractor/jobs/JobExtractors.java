package io.memstream.extractor.jobs;

import io.memstream.extractor.llm.KnownKeys;
import io.memstream.extractor.llm.LlmExtractor;
import io.memstream.extractor.llm.LlmSettings;
import io.memstream.extractor.rules.RuleBasedExtractor;
import io.memstream.extractor.turns.Extractor;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** Builds the extractor a job asked for: the same classes live extraction uses. */
@Component
class JobExtractors {

    private final LlmSettings llm;
    private final KnownKeys knownKeys;
    private final MeterRegistry meters;

    JobExtractors(LlmSettings llm, KnownKeys knownKeys, MeterRegistry meters) {
        this.llm = llm;
        this.knownKeys = knownKeys;
        this.meters = meters;
    }

    /** @throws IllegalStateException with a reason the job's status shows */
    Extractor forJob(ReplayJob job) {
        if (job.extractor().equals("rules")) {
            return new RuleBasedExtractor();
        }
        if (!llm.configured()) {
            throw new IllegalStateException(
                    "the job asks for the LLM extractor, but this worker has no LLM configured (MEMSTREAM_LLM_BASE_URL)");
        }
        LlmSettings chosen = new LlmSettings(
                llm.baseUrl(),
                llm.apiKey(),
                job.model() != null ? job.model() : llm.model(),
                llm.timeout(),
                job.promptVersion() != null ? job.promptVersion() : llm.promptVersion(),
                llm.maxAttempts(),
                llm.initialBackoff(),
                llm.maxBackoff());
        return new LlmExtractor(LlmExtractor.chatModel(chosen), chosen, knownKeys, meters);
    }
}
