package io.memstream.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Runs an operation from many virtual threads for a bounded time, timing every call. */
final class Load {

    /** One call; returns how many units (turns, commands) it carried, or throws on failure. */
    @FunctionalInterface
    interface Operation {
        int call(int thread, long sequence) throws Exception;
    }

    record Outcome(double perSecond, Latencies latencies, long errors, String firstError) {}

    static Outcome run(int threads, Duration duration, Operation operation) throws InterruptedException {
        Latencies latencies = new Latencies();
        AtomicLong units = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        String[] firstError = {null};
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(Thread.ofVirtual().start(() -> {
                for (long i = 0; System.nanoTime() < deadline; i++) {
                    long before = System.nanoTime();
                    try {
                        units.addAndGet(operation.call(thread, i));
                        latencies.add(System.nanoTime() - before);
                    } catch (Exception e) {
                        if (errors.getAndIncrement() == 0) {
                            firstError[0] = e.toString();
                        }
                    }
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Outcome(units.get() / seconds, latencies, errors.get(), firstError[0]);
    }

    /**
     * One table row: {@code operation} from {@code config.threads()} clients for {@code config.seconds()},
     * its rate in {@code unit} and its latencies. Failed calls are counted, and the first is printed.
     */
    static Result measure(BenchConfig config, String scenario, String what, String unit, Operation operation)
            throws InterruptedException {
        Outcome outcome = run(config.threads(), config.seconds(), operation);
        if (outcome.errors() > 0) {
            System.err.println("bench: " + what + ": " + outcome.errors() + " errors, first: " + outcome.firstError());
        }
        return new Result(
                scenario,
                what,
                outcome.perSecond(),
                unit,
                outcome.latencies().quantileMillis(0.50),
                outcome.latencies().quantileMillis(0.99),
                outcome.errors(),
                null,
                null);
    }

    private Load() {}
}
