package io.memstream.testkit;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.memstream.common.embeddings.EmbeddingSettings;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An embedding model whose vectors a test can predict: each text's is the unit vector along the
 * axis given by its length. It keeps the texts it was asked for, in order.
 */
public final class AxisEmbeddings implements EmbeddingModel {

    private final List<String> asked = new CopyOnWriteArrayList<>();

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        return Response.from(segments.stream()
                .map(s -> {
                    asked.add(s.text());
                    float[] v = new float[EmbeddingSettings.DIMENSIONS];
                    v[s.text().length()] = 1;
                    return Embedding.from(v);
                })
                .toList());
    }

    /** The texts embedded so far, in order. */
    public List<String> asked() {
        return asked;
    }
}
