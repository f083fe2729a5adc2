package io.memstream.ingest.longterm;

import static org.assertj.core.api.Assertions.assertThat;

import io.memstream.common.embeddings.Embedder;
import io.memstream.testkit.AxisEmbeddings;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryVectorsTest {

    /** Each text's vector is along the axis of its length; it keeps the texts it was asked for. */
    private final AxisEmbeddings model = new AxisEmbeddings();

    private final List<String> asked = model.asked();

    private QueryVectors vectors(int size) {
        return new QueryVectors(new Embedder(model, 8, "test"), new LongTermSettings(0, size));
    }

    @Test
    void aRepeatedQueryIsEmbeddedOnceAndGetsTheSameVector() {
        QueryVectors vectors = vectors(10);

        String first = vectors.literal("tea");
        String again = vectors.literal("tea");
        String other = vectors.literal("coffee");

        assertThat(again).isEqualTo(first).startsWith("[0.0,0.0,0.0,1.0,");
        assertThat(other).isNotEqualTo(first);
        assertThat(asked).containsExactly("tea", "coffee");
    }

    @Test
    void theCacheIsBoundedAndSizeZeroEmbedsEveryQuery() {
        QueryVectors bounded = vectors(2);
        List<String> queries = List.of("a", "bb", "ccc", "dddd", "eeeee", "ffffff");
        queries.forEach(bounded::literal);
        queries.forEach(bounded::literal);
        // Which two stay is the eviction policy's choice (frequency, then recency); at most two do.
        assertThat(asked).hasSizeGreaterThanOrEqualTo(2 * queries.size() - 2);

        asked.clear();
        QueryVectors none = vectors(0);
        none.literal("tea");
        none.literal("tea");
        assertThat(asked).containsExactly("tea", "tea");
    }

    @Test
    void aNegativeSizeIsRefusedWithTheSettingsName() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LongTermSettings(0, -1))
                .hasMessageContaining("memstream.long-term.query-cache-size");
    }
}
