package io.memstream.common.topics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;

/**
 * The id of the Kafka cluster a service talks to. Offsets mean something only within one cluster,
 * so whatever stores offsets (replay jobs) records the cluster they belong to.
 */
public final class ClusterIds {

    private ClusterIds() {}

    /** @throws IllegalStateException when the cluster does not answer within the timeout */
    public static String of(Map<String, Object> adminConfig, Duration timeout) {
        try (Admin admin = Admin.create(adminConfig)) {
            return admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Kafka for its cluster id", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not tell its cluster id within " + timeout, e);
        }
    }
}
