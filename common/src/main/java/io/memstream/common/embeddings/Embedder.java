package io.memstream.common.embeddings;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2q.E5SmallV2QuantizedEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Embeds texts in batches and hands them out in the form pgvector reads. Stored texts and search
 * queries are embedded apart: e5 and bge were trained with a marker on one side or both, and a query
 * embedded like a passage lands farther from the passages that answer it.
 */
public final class Embedder {

    private final EmbeddingModel model;
    private final int batchSize;
    private final String name;
    private final String documentPrefix;
    private final String queryPrefix;

    public Embedder(EmbeddingModel model, int batchSize, String name) {
        this(model, batchSize, name, "", "");
    }

    private Embedder(EmbeddingModel model, int batchSize, String name, String documentPrefix, String queryPrefix) {
        this.model = model;
        this.batchSize = batchSize;
        this.name = name;
        this.documentPrefix = documentPrefix;
        this.queryPrefix = queryPrefix;
    }

    public static Embedder create(EmbeddingSettings settings) {
        if (settings.provider().equals("local")) {
            // The markers are the ones each model card prescribes.
            return switch (settings.localModel()) {
                case "e5-small-v2-q" ->
                    new Embedder(
                            new E5SmallV2QuantizedEmbeddingModel(),
                            settings.batchSize(),
                            "e5-small-v2-q",
                            "passage: ",
                            "query: ");
                case "bge-small-en-v15-q" ->
                    new Embedder(
                            new BgeSmallEnV15QuantizedEmbeddingModel(),
                            settings.batchSize(),
                            "bge-small-en-v15-q",
                            "",
                            "Represent this sentence for searching relevant passages: ");
                default -> new Embedder(new AllMiniLmL6V2EmbeddingModel(), settings.batchSize(), "all-minilm-l6-v2");
            };
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

    /**
     * The model name a conversation turn's vector carries: {@link #turnVector} of this model. Turn
     * vectors of the same model made from the turn alone (before contextual vectors) stay comparable
     * with queries, and the embedding backfill replaces them by this name's.
     */
    public String turnModelName() {
        return name + "+context";
    }

    /**
     * A conversation turn's vector: the mean of the unit vectors of the turn read alone and of the
     * turn read after its context (the session's day and the turn before it). A query's inner product
     * with it is the mean of its cosine similarities with the two, so search compares turns by inner
     * product ({@code <#>}); being shorter than unit length, it would rank differently by cosine.
     * On the labelled set (README, "Search quality") the turn alone missed what a reply such as "Yes,
     * the blue one" was about and the turn in context drowned a turn's own words in its neighbour's;
     * the mean beat both (hybrid recall@10 0.789 against 0.744 alone and 0.693 in context).
     */
    public static float[] turnVector(float[] alone, float[] inContext) {
        float[] a = unit(alone);
        float[] c = unit(inContext);
        float[] mean = new float[a.length];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (a[i] + c[i]) / 2;
        }
        return mean;
    }

    /** The vector scaled to length 1 (a zero vector stays zero), as a new array. */
    private static float[] unit(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        double norm = sum == 0 ? 1 : Math.sqrt(sum);
        float[] u = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            u[i] = (float) (v[i] / norm);
        }
        return u;
    }

    /** One vector per stored text, in order, computed {@code batchSize} texts per model call. */
    public List<float[]> embedAll(List<String> texts) {
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += batchSize) {
            List<TextSegment> batch = texts.subList(from, Math.min(texts.size(), from + batchSize)).stream()
                    .map(t -> TextSegment.from(documentPrefix + t))
                    .toList();
            model.embedAll(batch).content().forEach(e -> vectors.add(checked(e.vector())));
        }
        return vectors;
    }

    /** The vector of one stored text (a memory, a turn). */
    public float[] embed(String text) {
        return embedAll(List.of(text)).getFirst();
    }

    /** The vector of a search query, to compare with stored texts' vectors of the same model. */
    public float[] embedQuery(String text) {
        // Unit length: search ranks turns by inner product, which equals cosine only for a unit query.
        return unit(checked(model.embed(queryPrefix + text).content().vector()));
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
