package io.memstream.extractor.llm;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the LLM is. Without a base URL the offline rule-based extractor runs instead.
 *
 * @param baseUrl an OpenAI-compatible endpoint, e.g. https://api.openai.com/v1 or an Ollama, vLLM or
 *     LiteLLM server
 * @param promptVersion which versioned prompt under {@code prompts/} to use
 * @param maxAttempts calls per turn when the provider fails transiently (429, 5xx, timeout)
 * @param initialBackoff the first wait between attempts; it doubles, with jitter, up to maxBackoff
 */
@ConfigurationProperties("memstream.llm")
public record LlmSettings(
        String baseUrl,
        @DefaultValue("none") String apiKey,
        @DefaultValue("gpt-4o-mini") String model,
        @DefaultValue("30s") Duration timeout,
        @DefaultValue("v1") String promptVersion,
        @DefaultValue("4") int maxAttempts,
        @DefaultValue("500ms") Duration initialBackoff,
        @DefaultValue("8s") Duration maxBackoff) {

    public boolean configured() {
        return baseUrl != null && !baseUrl.isBlank();
    }
}
