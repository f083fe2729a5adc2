package io.memstream.dedup.sink;

import io.memstream.common.embeddings.Embedder;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeddings for a sink batch. A model that fails (an endpoint down, an input it refuses) must not
 * hold rows back: they are written without a vector, and {@link EmbeddingBackfill} fills it in.
 */
final class BatchEmbeddings {

    private static final Logger log = LoggerFactory.getLogger(BatchEmbeddings.class);

    private BatchEmbeddings() {}

    /** One pgvector literal per text, in order; all null if the model failed. */
    static List<String> literals(Embedder embedder, List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        try {
            return embedder.embedAll(texts).stream().map(Embedder::literal).toList();
        } catch (RuntimeException e) {
            log.warn(
                    "embedding {} texts with {} failed ({}); storing them without vectors for the backfill",
                    texts.size(),
                    embedder.name(),
                    e.toString());
            return Collections.nCopies(texts.size(), null);
        }
    }
}
