package io.memstream.common.topics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Creates every topic of {@link Topics} that does not exist yet; existing topics are left as they
 * are. Used by {@code scripts/up} and by each service at startup, so a fresh broker just works.
 */
public final class TopicInstaller {

    private TopicInstaller() {}

    /** Returns the names of the topics it created. */
    public static List<String> install(String bootstrapServers, short replicationFactor)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                30_000))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = newTopics(replicationFactor).stream()
                    .filter(t -> !existing.contains(t.name()))
                    .toList();
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            return missing.stream().map(NewTopic::name).toList();
        }
    }

    /** Every topic of the pipeline, ready to create; services hand these to their Kafka admin. */
    public static List<NewTopic> newTopics(short replicationFactor) {
        return allNames().stream()
                .map(name -> newTopic(name, replicationFactor))
                .toList();
    }

    static List<String> allNames() {
        List<String> names =
                new ArrayList<>(Topics.ALL.stream().map(TopicSpec::name).toList());
        names.add(Topics.DEAD_LETTERS);
        return names;
    }

    static NewTopic newTopic(String name, short replicationFactor) {
        Optional<TopicSpec<?, ?>> spec =
                Topics.ALL.stream().filter(s -> s.name().equals(name)).findFirst();
        if (spec.isPresent()) {
            return new NewTopic(name, Optional.of(spec.get().partitions()), Optional.of(replicationFactor))
                    .configs(spec.get().configs());
        }
        // The dead-letter topic holds raw bytes from any stage and keeps them until someone looks.
        return new NewTopic(name, Optional.of(1), Optional.of(replicationFactor)).configs(Map.of("retention.ms", "-1"));
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args.length > 0 ? args[0] : "localhost:19092";
        short replication = args.length > 1 ? Short.parseShort(args[1]) : 1;
        List<String> created = install(bootstrap, replication);
        System.out.println(created.isEmpty() ? "topics: all present" : "topics created: " + String.join(", ", created));
    }
}
