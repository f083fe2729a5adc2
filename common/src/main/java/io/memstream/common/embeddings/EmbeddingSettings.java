package io.memstream.common.embeddings;

import java.time.Duration;

/**
 * Which embedding model to use. {@code local} runs all-MiniLM-L6-v2 in-process (offline, 384
 * dimensions); {@code openai} calls an OpenAI-compatible {@code /embeddings} endpoint, asked for the
 * same number of dimensions as the database column.
 *
 * @param batchSize texts per call to the model
 */
public record EmbeddingSettings(
        String provider, String baseUrl, String apiKey, String model, Duration timeout, int batchSize) {

    /** The width of every vector column (V1 schema). */
    public static final int DIMENSIONS = 384;

    public static final EmbeddingSettings LOCAL = new EmbeddingSettings("local", null, null, null, null, 64);

    public EmbeddingSettings {
        provider = provider == null || provider.isBlank() ? "local" : provider.strip();
        if (!provider.equals("local") && !provider.equals("openai")) {
            throw new IllegalArgumentException(
                    "memstream.embeddings.provider must be local or openai, was '" + provider + "'");
        }
        if (provider.equals("openai") && (baseUrl == null || baseUrl.isBlank())) {
            throw new IllegalArgumentException(
                    "memstream.embeddings.provider=openai needs memstream.embeddings.base-url (MEMSTREAM_EMBEDDINGS_BASE_URL)");
        }
        timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
        batchSize = batchSize <= 0 ? 64 : batchSize;
    }
}
