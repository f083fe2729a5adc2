package io.memstream.bench;

import io.memstream.common.embeddings.Embedder;
import io.memstream.common.embeddings.EmbeddingSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-process embedding models side by side: texts per second of each on the same turn-sized
 * texts, in batches as the sinks send them, after a warm-up batch (the first call loads the model).
 * The README's model table pairs these rates with each model's recall on the labelled set.
 */
final class EmbeddingModelsScenario {

    private static final int TEXTS = 512;

    List<Result> run() {
        List<String> texts = new ArrayList<>(TEXTS);
        for (int i = 0; i < TEXTS; i++) {
            texts.add("Caroline: I went to the support group on Tuesday " + i
                    + " and it felt good to talk about the adoption plans with people who understand.");
        }
        List<Result> results = new ArrayList<>();
        for (String model : EmbeddingSettings.LOCAL_MODELS) {
            Embedder embedder = Embedder.create(new EmbeddingSettings("local", null, null, model, null, 64));
            embedder.embedAll(texts.subList(0, 64));
            long before = System.nanoTime();
            embedder.embedAll(texts);
            double seconds = (System.nanoTime() - before) / 1e9;
            results.add(new Result(
                    "embed",
                    "raw embedding, " + model + " in batches of 64",
                    TEXTS / seconds,
                    "texts/s",
                    Double.NaN,
                    Double.NaN,
                    0,
                    null,
                    null));
        }
        return results;
    }
}
