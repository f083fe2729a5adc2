package io.memstream.ingest.workingmemory;

import io.memstream.ingest.web.InvalidFieldException;
import java.util.Map;
import java.util.TreeMap;

/** Context window sizes of the models AMS clients name, in tokens. */
final class ModelWindows {

    private static final Map<String, Integer> WINDOWS = new TreeMap<>(Map.ofEntries(
            Map.entry("gpt-3.5-turbo", 16_385),
            Map.entry("gpt-4", 8_192),
            Map.entry("gpt-4-turbo", 128_000),
            Map.entry("gpt-4o", 128_000),
            Map.entry("gpt-4o-mini", 128_000),
            Map.entry("gpt-4.1", 1_047_576),
            Map.entry("gpt-4.1-mini", 1_047_576),
            Map.entry("gpt-4.1-nano", 1_047_576),
            Map.entry("gpt-5", 400_000),
            Map.entry("gpt-5-mini", 400_000),
            Map.entry("o1", 200_000),
            Map.entry("o1-mini", 128_000),
            Map.entry("o3", 200_000),
            Map.entry("o3-mini", 200_000),
            Map.entry("o4-mini", 200_000),
            Map.entry("claude-3-opus-20240229", 200_000),
            Map.entry("claude-3-sonnet-20240229", 200_000),
            Map.entry("claude-3-haiku-20240307", 200_000),
            Map.entry("claude-3-5-sonnet-20240620", 200_000),
            Map.entry("claude-3-5-sonnet-20241022", 200_000),
            Map.entry("claude-3-5-haiku-20241022", 200_000),
            Map.entry("claude-3-7-sonnet-latest", 200_000),
            Map.entry("claude-sonnet-4-20250514", 200_000),
            Map.entry("claude-opus-4-20250514", 200_000),
            Map.entry("text-embedding-3-small", 8_191),
            Map.entry("text-embedding-3-large", 8_191)));

    private ModelWindows() {}

    /** The window to fit into: an explicit maximum wins over the model's; null when neither is given. */
    static Integer resolve(String modelName, Integer contextWindowMax) {
        if (contextWindowMax != null) {
            return contextWindowMax;
        }
        if (modelName == null) {
            return null;
        }
        Integer window = WINDOWS.get(modelName);
        if (window == null) {
            throw new InvalidFieldException(
                    "model_name", "unknown model '" + modelName + "'; known: " + String.join(", ", WINDOWS.keySet()));
        }
        return window;
    }
}
