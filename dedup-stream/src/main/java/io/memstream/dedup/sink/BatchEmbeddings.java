package io.memstream.dedup.sink;

import io.memstream.common.embeddings.Embedder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeddings for a batch of texts. A model that fails must not hold rows back: they are written
 * without a vector, and {@link EmbeddingBackfill} fills it in. Two failures look alike and are not:
 * a model that is down gives nothing for any text (ask again later), while a model that refuses one
 * text (too long, say) answers for the others, which must still get their vectors. When a call
 * fails, a known-good text tells the two apart, and the batch is split in halves until each text
 * the model refuses stands alone.
 */
final class BatchEmbeddings {

    private static final Logger log = LoggerFactory.getLogger(BatchEmbeddings.class);

    /** Any model embeds this; if it cannot, the model is not answering. */
    static final String PROBE = "The embedding model answers.";

    private BatchEmbeddings() {}

    /** What the model gave one text. */
    sealed interface Result {

        /** A vector, written to Postgres as its {@link #literal}. */
        record Vector(float[] values) implements Result {

            String literal() {
                return Embedder.literal(values);
            }
        }

        /** The model answers, but not for this text: asking again soon will not help. */
        record Refused(String reason) implements Result {}

        /** The model gave nothing at all (down, unreachable, misconfigured): ask again later. */
        record Unavailable(String reason) implements Result {}
    }

    /** One pgvector literal per text, in order; null where the model gave none. */
    static List<String> literals(Embedder embedder, List<String> texts) {
        if (texts.size() == 1) {
            return lone(embedder, () -> embedder.embed(texts.getFirst()));
        }
        return literals(embed(embedder, texts));
    }

    /** One pgvector literal per conversation turn ({@link #turns}), in order; null where it got none. */
    static List<String> turnLiterals(Embedder embedder, List<String> texts, List<String> inContext) {
        if (texts.size() == 1) {
            return lone(embedder, () -> {
                List<float[]> both = embedder.embedAll(List.of(texts.getFirst(), inContext.getFirst()));
                return Embedder.turnVector(both.get(0), both.get(1));
            });
        }
        return literals(turns(embedder, texts, inContext));
    }

    /**
     * Refused or unanswered, a sink stores a lone text alike, without a vector: no probe needed. This
     * is the sink's record-by-record path, where a model that is down would cost two calls each.
     */
    private static List<String> lone(Embedder embedder, Supplier<float[]> vector) {
        try {
            return List.of(Embedder.literal(vector.get()));
        } catch (RuntimeException e) {
            log.warn(
                    "embedding a text with {} failed ({}); it is stored without a vector for the backfill",
                    embedder.name(),
                    reason(e));
            return Collections.singletonList(null);
        }
    }

    private static List<String> literals(List<Result> results) {
        return results.stream()
                .map(r -> r instanceof Result.Vector v ? v.literal() : null)
                .toList();
    }

    /**
     * One {@link Embedder#turnVector} per conversation turn, in order, from its text and its text in
     * context, embedded in one batch. A turn whose context alone is refused gets the vector of its
     * own text; otherwise a turn gets a vector only if both did, and the failure that says more (the
     * model away rather than refusing) is the turn's.
     */
    static List<Result> turns(Embedder embedder, List<String> texts, List<String> inContext) {
        List<String> both = new ArrayList<>(texts);
        both.addAll(inContext);
        List<Result> results = embed(embedder, both);
        List<Result> turns = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            Result alone = results.get(i);
            Result read = results.get(texts.size() + i);
            if (alone instanceof Result.Vector a && read instanceof Result.Vector c) {
                turns.add(new Result.Vector(Embedder.turnVector(a.values(), c.values())));
            } else if (alone instanceof Result.Vector a && read instanceof Result.Refused) {
                // The context holds what the model refuses (the turn before, most likely): the turn
                // read alone is still a vector of the model, and asking again would be refused again.
                turns.add(a);
            } else if (alone instanceof Result.Unavailable || read instanceof Result.Unavailable) {
                turns.add(alone instanceof Result.Unavailable ? alone : read);
            } else {
                turns.add(alone instanceof Result.Refused ? alone : read);
            }
        }
        return turns;
    }

    /** One result per text, in order. */
    static List<Result> embed(Embedder embedder, List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        try {
            return embedder.embedAll(texts).stream()
                    .<Result>map(v -> new Result.Vector(v))
                    .toList();
        } catch (RuntimeException e) {
            if (!answers(embedder)) {
                return unavailable(embedder, texts.size(), e);
            }
            Result[] results = new Result[texts.size()];
            halve(embedder, texts, 0, texts.size(), e, results);
            List<Result> all = Arrays.asList(results);
            List<Result> refused =
                    all.stream().filter(r -> r instanceof Result.Refused).toList();
            if (refused.isEmpty()) {
                return all;
            }
            // It answered before the split; if it does not now, it went away meanwhile.
            if (!answers(embedder)) {
                return unavailable(embedder, texts.size(), e);
            }
            log.warn(
                    "embedding model {} refused {} of {} texts ({}); those rows are stored without a vector",
                    embedder.name(),
                    refused.size(),
                    texts.size(),
                    ((Result.Refused) refused.getFirst()).reason());
            return all;
        }
    }

    /** Embeds texts[from, to) into results, halving the range if the model refuses it. */
    private static void split(Embedder embedder, List<String> texts, int from, int to, Result[] results) {
        List<float[]> vectors;
        try {
            vectors = embedder.embedAll(texts.subList(from, to));
        } catch (RuntimeException e) {
            halve(embedder, texts, from, to, e, results);
            return;
        }
        for (int i = from; i < to; i++) {
            results[i] = new Result.Vector(vectors.get(i - from));
        }
    }

    /** The model refused texts[from, to): a single text is refused, a longer range is tried by halves. */
    private static void halve(
            Embedder embedder, List<String> texts, int from, int to, RuntimeException refusal, Result[] results) {
        if (to - from == 1) {
            results[from] = new Result.Refused(reason(refusal));
            return;
        }
        int middle = (from + to) >>> 1;
        split(embedder, texts, from, middle, results);
        split(embedder, texts, middle, to, results);
    }

    private static boolean answers(Embedder embedder) {
        try {
            embedder.embed(PROBE);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static List<Result> unavailable(Embedder embedder, int count, RuntimeException e) {
        log.warn(
                "embedding model {} is not answering ({}); {} texts are stored without vectors for the backfill",
                embedder.name(),
                reason(e),
                count);
        return Collections.nCopies(count, new Result.Unavailable(reason(e)));
    }

    static String reason(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
