package io.memstream.common.embeddings;

import java.time.Duration;
import java.util.List;

/**
 * Which embedding model to use. {@code local} runs a model in-process (offline, 384 dimensions), one
 * of {@link #LOCAL_MODELS}, e5-small-v2 (quantized) unless {@code model} names another; {@code
 * openai} calls an OpenAI-compatible {@code /embeddings} endpoint, asked for the same number of
 * dimensions as the database column.
 *
 * @param batchSize texts per call to the model
 */
public record EmbeddingSettings(
        String provider, String baseUrl, String apiKey, String model, Duration timeout, int batchSize) {

    /** The width of every vector column (V1 schema). */
    public static final int DIMENSIONS = 384;

    /**
     * The in-process models, the default first: chosen by recall on the labelled set and texts/s on
     * these machines (README, "Search quality").
     */
    public static final List<String> LOCAL_MODELS = List.of("e5-small-v2-q", "bge-small-en-v15-q", "all-minilm-l6-v2");

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
        if (provider.equals("local") && model != null && !model.isBlank() && !LOCAL_MODELS.contains(model.strip())) {
            throw new IllegalArgumentException("memstream.embeddings.model (MEMSTREAM_EMBEDDINGS_MODEL) must be one of "
                    + String.join(", ", LOCAL_MODELS) + " with the local provider, was '" + model + "'");
        }
        timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
        batchSize = batchSize <= 0 ? 64 : batchSize;
    }

    /** The in-process model to run (meaningful with the local provider). */
    public String localModel() {
        return model == null || model.isBlank() ? LOCAL_MODELS.getFirst() : model.strip();
    }
}
