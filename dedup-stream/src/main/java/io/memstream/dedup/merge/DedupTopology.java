package io.memstream.dedup.merge;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactEvent;
import io.memstream.common.events.FactKey;
import io.memstream.common.json.JsonSerde;
import io.memstream.common.topics.Topics;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** Fact candidates in, fact changes out: one state per (tenant, user, namespace, key). */
public final class DedupTopology {

    public static final String STORE = "facts-by-key";

    private DedupTopology() {}

    public static KStream<FactKey, FactEvent> build(StreamsBuilder builder, DedupSettings settings) {
        var candidates = Topics.FACT_CANDIDATES;
        var changelog = Topics.FACT_CHANGELOG;
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), candidates.keySerde(), new JsonSerde<>(FactState.class)));
        KStream<FactKey, FactEvent> changes = builder.stream(
                        candidates.name(), Consumed.with(candidates.keySerde(), candidates.valueSerde()))
                .process(() -> new MergeProcessor(new FactMerger(settings)), STORE);
        changes.to(changelog.name(), Produced.with(changelog.keySerde(), changelog.valueSerde()));
        return changes;
    }

    private static final class MergeProcessor implements Processor<FactKey, FactCandidate, FactKey, FactEvent> {

        private static final JsonSerde<FactEvent> CHANGE = Topics.FACT_CHANGELOG.valueSerde();

        private final FactMerger merger;
        private ProcessorContext<FactKey, FactEvent> context;
        private KeyValueStore<FactKey, FactState> store;

        MergeProcessor(FactMerger merger) {
            this.merger = merger;
        }

        @Override
        public void init(ProcessorContext<FactKey, FactEvent> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<FactKey, FactCandidate> record) {
            FactCandidate candidate = record.value();
            if (candidate == null) {
                return;
            }
            // The candidate's own key is authoritative; the record key only routes it.
            FactKey key = candidate.factKey();
            merger.merge(store.get(key), candidate).ifPresent(merge -> {
                // The state and its change are kept together or not at all: a state stored without its
                // change would part Postgres from dedup for good. The store writes nothing when it cannot
                // serialize the state, so the change is checked first; past the put, the forward cannot
                // fail for its value. Either failure leaves the key as it was and the handler
                // dead-letters the candidate.
                CHANGE.serialize(Topics.FACT_CHANGELOG.name(), merge.event());
                store.put(key, merge.state());
                context.forward(record.withKey(key).withValue(merge.event()));
            });
        }
    }
}
