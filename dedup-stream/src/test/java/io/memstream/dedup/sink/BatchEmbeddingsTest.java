package io.memstream.dedup.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.memstream.common.embeddings.Embedder;
import io.memstream.common.embeddings.EmbeddingSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchEmbeddingsTest {

    private static Embedder embedder(EmbeddingModel model) {
        return new Embedder(model, 2, "test");
    }

    @Test
    void aFailingModelGivesNullsSoTheRowsAreStillWritten() {
        EmbeddingModel down = new EmbeddingModel() {
            @Override
            public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
                throw new IllegalStateException("connection refused");
            }
        };
        assertThat(BatchEmbeddings.literals(embedder(down), List.of("a", "b", "c")))
                .hasSize(3)
                .containsOnlyNulls();
    }

    @Test
    void aWorkingModelGivesOneVectorPerTextInOrderAcrossModelCalls() {
        EmbeddingModel fake = new EmbeddingModel() {
            @Override
            public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
                return Response.from(segments.stream()
                        .map(s -> {
                            float[] v = new float[EmbeddingSettings.DIMENSIONS];
                            v[0] = s.text().length();
                            return Embedding.from(v);
                        })
                        .toList());
            }
        };
        List<String> literals = BatchEmbeddings.literals(embedder(fake), List.of("a", "bb", "ccc"));
        assertThat(literals).hasSize(3);
        assertThat(literals.get(2)).startsWith("[3.0,0.0,");
        assertThat(BatchEmbeddings.literals(embedder(fake), List.of())).isEmpty();
    }

    @Test
    void aModelOfTheWrongWidthIsRefusedNotStored() {
        EmbeddingModel narrow = new EmbeddingModel() {
            @Override
            public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
                return Response.from(
                        segments.stream().map(s -> Embedding.from(new float[8])).toList());
            }
        };
        assertThat(BatchEmbeddings.literals(embedder(narrow), List.of("a"))).containsOnlyNulls();
    }
}
