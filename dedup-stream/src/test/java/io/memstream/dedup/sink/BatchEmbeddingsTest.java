package io.memstream.dedup.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.memstream.common.embeddings.Embedder;
import io.memstream.common.embeddings.EmbeddingSettings;
import io.memstream.dedup.sink.BatchEmbeddings.Result;
import io.memstream.testkit.AxisEmbeddings;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchEmbeddingsTest {

    /** A model that is not answering. */
    private static final EmbeddingModel DOWN = new EmbeddingModel() {
        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            throw new IllegalStateException("connection refused");
        }
    };

    private static Embedder embedder(EmbeddingModel model) {
        return new Embedder(model, 2, "test");
    }

    @Test
    void aFailingModelGivesNullsSoTheRowsAreStillWritten() {
        assertThat(BatchEmbeddings.literals(embedder(DOWN), List.of("a", "b", "c")))
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

    /** Gives every text a vector, except that a call including {@code refused} fails as a model refusing it would. */
    private static EmbeddingModel refusing(String refused, AtomicInteger calls) {
        return new EmbeddingModel() {
            @Override
            public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
                calls.incrementAndGet();
                if (segments.stream().anyMatch(s -> s.text().equals(refused))) {
                    throw new IllegalArgumentException("input too long");
                }
                return Response.from(segments.stream()
                        .map(s -> Embedding.from(new float[EmbeddingSettings.DIMENSIONS]))
                        .toList());
            }
        };
    }

    @Test
    void aTextTheModelRefusesGetsNoVectorWhileTheOthersOfItsBatchDo() {
        List<String> texts = List.of("a", "b", "c", "too long", "e");

        List<Result> results = BatchEmbeddings.embed(embedder(refusing("too long", new AtomicInteger())), texts);

        assertThat(results.get(3)).isEqualTo(new Result.Refused("input too long"));
        assertThat(results).element(0).isInstanceOf(Result.Vector.class);
        assertThat(results.stream().filter(r -> r instanceof Result.Vector)).hasSize(4);
        assertThat(BatchEmbeddings.literals(embedder(refusing("too long", new AtomicInteger())), texts))
                .containsOnlyOnce((String) null)
                .element(3)
                .isNull();
    }

    @Test
    void aModelThatIsDownRefusesNothingInParticular() {

        assertThat(BatchEmbeddings.embed(embedder(DOWN), List.of("a", "b")))
                .containsOnly(new Result.Unavailable("connection refused"));
    }

    @Test
    void theRefusedTextIsFoundInAFewCallsNotOnePerText() {
        List<String> texts = IntStream.range(0, 256).mapToObj(i -> "text " + i).toList();
        AtomicInteger calls = new AtomicInteger();

        List<Result> results = BatchEmbeddings.embed(new Embedder(refusing("text 100", calls), 256, "test"), texts);

        assertThat(results.get(100)).isInstanceOf(Result.Refused.class);
        // The batch, the probe, two calls per halving (8 of them), the probe again.
        assertThat(calls.get()).isLessThanOrEqualTo(1 + 1 + 2 * 8 + 1);
    }

    /** A unit vector along the axis given by the text's length, so each text's vector is known. */
    private static final EmbeddingModel AXES = new AxisEmbeddings();

    @Test
    void aTurnsVectorIsTheMeanOfItsOwnAndItsInContext() {
        List<Result> results = BatchEmbeddings.turns(embedder(AXES), List.of("a", "bb"), List.of("ctx a", "ctx bb"));

        assertThat(results).hasSize(2);
        float[] second = ((Result.Vector) results.get(1)).values();
        assertThat(second[2]).isEqualTo(0.5f);
        assertThat(second[6]).isEqualTo(0.5f);
        assertThat(second[1]).isZero();
    }

    @Test
    void aTurnWhoseContextIsRefusedKeepsTheVectorOfItsOwnTextAndARefusedTurnGetsNone() {
        List<Result> results = BatchEmbeddings.turns(
                embedder(refusing("too long", new AtomicInteger())),
                List.of("a", "b", "too long"),
                List.of("ok", "too long", "ok too"));

        assertThat(results.get(0)).isInstanceOf(Result.Vector.class);
        assertThat(results.get(1)).isInstanceOf(Result.Vector.class);
        assertThat(results.get(2)).isEqualTo(new Result.Refused("input too long"));
    }

    @Test
    void aLoneTurnIsEmbeddedInOneCallAndAModelThatIsDownCostsNoProbe() {
        List<String> alone = BatchEmbeddings.turnLiterals(embedder(AXES), List.of("bb"), List.of("ctx bb"));
        assertThat(alone).singleElement().asString().startsWith("[0.0,0.0,0.5,0.0,0.0,0.0,0.5,");

        AtomicInteger calls = new AtomicInteger();
        EmbeddingModel down = new EmbeddingModel() {
            @Override
            public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
                calls.incrementAndGet();
                throw new IllegalStateException("connection refused");
            }
        };
        assertThat(BatchEmbeddings.turnLiterals(embedder(down), List.of("a"), List.of("ctx a")))
                .containsExactly((String) null);
        assertThat(calls).hasValue(1);
    }

    @Test
    void aModelThatIsDownGivesTurnsNoVectorAndSaysSo() {

        assertThat(BatchEmbeddings.turns(embedder(DOWN), List.of("a"), List.of("ctx a")))
                .containsOnly(new Result.Unavailable("connection refused"));
    }
}
