package io.memstream.ingest.longterm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * BM25 against numbers worked out by hand for a corpus of three documents: d1 "cat cat dog" (3
 * words), d2 "dog bird" (2), d3 "fish" (1); 3 documents, average length 2, k1 1.2, b 0.75.
 */
class Bm25Test {

    @Test
    void aRareWordWeighsMoreThanACommonOne() {
        // "cat" is in 1 document: ln(1 + 2.5 / 1.5) = ln(2.6667); "dog" in 2: ln(1 + 1.5 / 2.5) = ln(1.6).
        assertThat(Bm25.idf(3, 1)).isCloseTo(0.980829, within(1e-6));
        assertThat(Bm25.idf(3, 2)).isCloseTo(0.470004, within(1e-6));
    }

    @Test
    void termFrequencySaturatesAndLongDocumentsAreDiscounted() {
        // d1 for "cat": norm = 1.2 * (0.25 + 0.75 * 3 / 2) = 1.65; 0.980829 * 2 * 2.2 / (2 + 1.65).
        assertThat(Bm25.term(Bm25.idf(3, 1), 2, 3, 2)).isCloseTo(1.182370, within(1e-6));
        // d1 for "dog": 0.470004 * 1 * 2.2 / (1 + 1.65); d2 for "dog": norm = 1.2, so the idf itself.
        assertThat(Bm25.term(Bm25.idf(3, 2), 1, 3, 2)).isCloseTo(0.390192, within(1e-6));
        assertThat(Bm25.term(Bm25.idf(3, 2), 1, 2, 2)).isCloseTo(0.470004, within(1e-6));
    }

    @Test
    void twiceTheWordIsLessThanTwiceTheScore() {
        double once = Bm25.term(1, 1, 2, 2);
        double twice = Bm25.term(1, 2, 2, 2);
        assertThat(twice).isGreaterThan(once).isLessThan(2 * once);
    }
}
