package io.memstream.common.topics;

import io.memstream.common.json.JsonSerde;
import java.util.Map;
import java.util.Objects;

/**
 * A topic and everything needed to create it and to read and write it.
 *
 * @param configs topic-level configs (retention, cleanup policy), applied at creation
 */
public record TopicSpec<K, V>(
        String name, JsonSerde<K> keySerde, JsonSerde<V> valueSerde, int partitions, Map<String, String> configs) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be positive");
        }
        configs = Map.copyOf(configs);
    }
}
