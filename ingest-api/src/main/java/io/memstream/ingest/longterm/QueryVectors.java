package io.memstream.ingest.longterm;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.memstream.common.embeddings.Embedder;
import org.springframework.stereotype.Component;

/**
 * The vector of a search query, embedded once for a repeated query: an agent asks the same
 * question turn after turn, and the model (milliseconds to tens of them per query on two cores) is
 * most of a search's time. Bounded by count (Caffeine keeps the queries asked most often and
 * lately); the vectors are of this process's one model, so the text alone is the key.
 */
@Component
class QueryVectors {

    private final Embedder embedder;
    private final Cache<String, String> literals;

    QueryVectors(Embedder embedder, LongTermSettings settings) {
        this.embedder = embedder;
        // Kept as pgvector literals, what search binds: immutable, and converted once.
        this.literals = Caffeine.newBuilder()
                .maximumSize(settings.queryCacheSize())
                .executor(Runnable::run)
                .build();
    }

    /** The query's vector as a pgvector literal. */
    String literal(String text) {
        return literals.get(text, t -> Embedder.literal(embedder.embedQuery(t)));
    }
}
