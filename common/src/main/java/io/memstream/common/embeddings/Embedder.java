package io.memstream.common.embeddings;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import java.util.ArrayList;
import java.util.List;

/** Embeds texts in batches and hands them out in the form pgvector reads. */
public final class Embedder {

    private final EmbeddingModel model;
    private final int batchSize;
    private final String name;

    public Embedder(EmbeddingModel model, int batchSize, String name) {
        this.model = model;
        this.batchSize = batchSize;
        this.name = name;
    }

    public static Embedder create(EmbeddingSettings settings) {
        if (settings.provider().equals("local")) {
            return new Embedder(new AllMiniLmL6V2EmbeddingModel(), settings.batchSize(), "all-minilm-l6-v2");
        }
        String model = settings.model() == null ? "text-embedding-3-small" : settings.model();
        EmbeddingModel remote = OpenAiEmbeddingModel.builder()
                .baseUrl(settings.baseUrl())
                .apiKey(settings.apiKey() == null ? "none" : settings.apiKey())
                .modelName(model)
                .dimensions(EmbeddingSettings.DIMENSIONS)
                .timeout(settings.timeout())
                .build();
        return new Embedder(remote, settings.batchSize(), model);
    }

    public String name() {
        return name;
    }

    /** One vector per text, in order, computed {@code batchSize} texts per model call. */
    public List<float[]> embedAll(List<String> texts) {
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += batchSize) {
            List<TextSegment> batch = texts.subList(from, Math.min(texts.size(), from + batchSize)).stream()
                    .map(TextSegment::from)
                    .toList();
            model.embedAll(batch).content().forEach(e -> vectors.add(checked(e.vector())));
        }
        return vectors;
    }

    public float[] embed(String text) {
        return embedAll(List.of(text)).getFirst();
    }

    private float[] checked(float[] vector) {
        if (vector.length != EmbeddingSettings.DIMENSIONS) {
            throw new IllegalStateException("embedding model " + name + " returned " + vector.length
                    + " dimensions; the database stores " + EmbeddingSettings.DIMENSIONS);
        }
        return vector;
    }

    /** pgvector's text form, bound as a string and cast with {@code ?::vector}. */
    public static String literal(float[] vector) {
        StringBuilder out = new StringBuilder(vector.length * 14).append('[');
        for (int i = 0; i < vector.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            // Float.toString is exact and locale-free; pgvector reads its exponent form too.
            out.append(vector[i]);
        }
        return out.append(']').toString();
    }
}
