package io.memstream.common.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EmbedderTest {

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static double cosine(float[] a, float[] b) {
        return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    }

    @Test
    void aUnitQuerysInnerProductWithATurnVectorIsTheMeanOfItsCosinesWithBothReadings() {
        float[] alone = {3, 4, 0};
        float[] inContext = {0, 2, 2};
        float[] query = {0.6f, 0, 0.8f};

        float[] turn = Embedder.turnVector(alone, inContext);

        assertThat(dot(query, turn)).isCloseTo((cosine(query, alone) + cosine(query, inContext)) / 2, within(1e-6));
        assertThat(Math.sqrt(dot(turn, turn)))
                .as("shorter than unit length when the readings differ, so cosine would rank otherwise")
                .isLessThan(0.99);
    }

    @Test
    void theTurnModelNameTellsContextualVectorsFromTheModelsOwn() {
        Embedder embedder = new Embedder(null, 1, "e5-small-v2-q");

        assertThat(embedder.turnModelName()).isEqualTo("e5-small-v2-q+context").isNotEqualTo(embedder.name());
    }
}
