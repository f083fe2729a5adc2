package io.memstream.extractor.turns;

import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import io.memstream.common.erasure.ErasedUsers;
import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.SessionKey;
import io.memstream.common.events.SummaryRequest;
import io.memstream.common.events.Turn;
import io.memstream.common.topics.Topics;
import io.memstream.extractor.llm.MalformedLlmOutputException;
import io.memstream.extractor.summaries.ExtractiveSummarizer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;

/**
 * Reads the turns topic and extracts per session, in batches, in parallel across sessions:
 *
 * <ul>
 *   <li>a session's turns are buffered until there are {@code maxTurns} of them or none has come
 *       for {@code maxIdle}; each batch goes to the extractor with the session's bounded running
 *       summary, so each turn is read once and never the whole thread again;
 *   <li>one batch per session at a time keeps a session's order; other sessions run meanwhile, up
 *       to {@code maxConcurrent}, however few partitions there are; the slots go to batches in the
 *       order they asked, so a session waits for at most one batch of each session ahead of it;
 *   <li>the poll loop never waits for an extraction, so a slow LLM cannot make the consumer miss
 *       {@code max.poll.interval.ms}; offsets are committed only up to the oldest turn whose
 *       candidates are not yet published;
 *   <li>a batch the provider or the broker fails after the extractor's own retries waits and is
 *       tried again (only that session waits); a batch whose turns themselves cannot be extracted
 *       (output the model cannot get right) is dead-lettered turn by turn with the reason.
 * </ul>
 */
public final class SessionBatchingConsumer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SessionBatchingConsumer.class);
    private static final long IDLE_SESSION = Duration.ofHours(1).toNanos();
    private static final Duration MAX_SESSION_PAUSE = Duration.ofMinutes(5);

    private record Pending(Turn turn, ConsumerRecord<byte[], byte[]> record, OffsetTracker.Claim claim) {
        TopicPartition partition() {
            return new TopicPartition(record.topic(), record.partition());
        }

        void done() {
            claim.done(record.offset());
        }
    }

    private static final class Session {
        final List<Pending> buffer = new ArrayList<>();
        long lastArrivalNanos;
        boolean inFlight;
        volatile String summary;
        // After a provider failure the session waits; other sessions do not.
        long notBeforeNanos;
        int failures;
    }

    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final Extractor extractor;
    private final ErasedUsers erasedUsers;
    private final CandidateSender candidates;
    private final DeadLetterPublishingRecoverer deadLetters;
    private final BatchingSettings settings;
    private final ExtractiveSummarizer summarizer;
    private final Map<Conversation, Session> sessions = new ConcurrentHashMap<>();
    private final OffsetTracker offsets = new OffsetTracker();
    private final AtomicInteger buffered = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean();
    private final Semaphore calls;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile boolean polling;
    private Thread pollThread;

    public SessionBatchingConsumer(
            Supplier<Consumer<byte[], byte[]>> consumers,
            Extractor extractor,
            CandidateSender candidates,
            DeadLetterPublishingRecoverer deadLetters,
            BatchingSettings settings,
            ErasedUsers erasedUsers) {
        this.consumers = consumers;
        this.erasedUsers = erasedUsers;
        this.extractor = extractor;
        this.candidates = candidates;
        this.deadLetters = deadLetters;
        this.settings = settings;
        this.summarizer = new ExtractiveSummarizer(settings.summaryChars());
        // Fair: a batch waiting for a slot is not overtaken by batches dispatched after it.
        this.calls = new Semaphore(settings.maxConcurrent(), true);
    }

    @Override
    public void start() {
        if (running.compareAndSet(false, true)) {
            pollThread = Thread.ofPlatform().name("turn-batcher").start(this::pollLoop);
        }
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false)) {
            Consumer<byte[], byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
            try {
                pollThread.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            workers.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    /** Runs until stopped; a consumer that fails is closed and a new one takes over. */
    private void pollLoop() {
        while (running.get()) {
            try (Consumer<byte[], byte[]> c = consumers.get()) {
                consumer = c;
                consume(c);
            } catch (RuntimeException e) {
                polling = false;
                log.error("the turn consumer failed; starting a new one in 1 s", e);
                sleepQuietly(Duration.ofSeconds(1));
            }
        }
        polling = false;
    }

    private void consume(Consumer<byte[], byte[]> c) {
        c.subscribe(List.of(Topics.TURNS.name()), new Rebalance(c));
        polling = true;
        while (running.get()) {
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = c.poll(Duration.ofMillis(50));
            } catch (WakeupException stopping) {
                break;
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                accept(record);
            }
            dispatch(System.nanoTime());
            try {
                commit(c);
            } catch (RebalanceInProgressException | CommitFailedException e) {
                // The group is rebalancing: the revocation callback commits, or the next loop does.
                log.debug("commit deferred: {}", e.toString());
            }
            applyBackpressure(c);
        }
        // Let running batches publish, then commit what they finished.
        awaitInFlight(Duration.ofSeconds(20));
        commit(c);
    }

    /** For the health endpoint: false while no consumer is polling. */
    public boolean polling() {
        return polling;
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        OffsetTracker.Claim claim = offsets.started(tp, record.offset());
        Turn turn;
        try {
            turn = Topics.TURNS.valueSerde().deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            // Unreadable turns cannot become readable by waiting: park them at once. If even that
            // fails, the record stays pending (uncommitted) and the consumer starts over.
            deadLetters.accept(record, e);
            claim.done(record.offset());
            return;
        }
        if (erasedUsers.contains(turn.tenantId(), turn.userId())) {
            claim.done(record.offset());
            return;
        }
        Session session =
                sessions.computeIfAbsent(new Conversation(turn.sessionKey(), turn.userId()), k -> new Session());
        synchronized (session) {
            session.buffer.add(new Pending(turn, record, claim));
            session.lastArrivalNanos = System.nanoTime();
        }
        buffered.incrementAndGet();
    }

    private void dispatch(long now) {
        sessions.forEach((key, session) -> {
            List<Pending> batch;
            synchronized (session) {
                // A session quiet for an hour gives up its running summary; memory stays bounded.
                if (!session.inFlight && session.buffer.isEmpty() && now - session.lastArrivalNanos > IDLE_SESSION) {
                    sessions.remove(key, session);
                    return;
                }
                boolean ready = session.buffer.size() >= settings.maxTurns()
                        || now - session.lastArrivalNanos >= settings.maxIdle().toNanos();
                if (session.inFlight || session.buffer.isEmpty() || !ready || now < session.notBeforeNanos) {
                    return;
                }
                int size = Math.min(settings.maxTurns(), session.buffer.size());
                batch = new ArrayList<>(session.buffer.subList(0, size));
                session.buffer.subList(0, size).clear();
                session.inFlight = true;
            }
            workers.submit(() -> process(session, batch));
        });
    }

    private void process(Session session, List<Pending> batch) {
        List<Turn> turns = batch.stream().map(Pending::turn).toList();
        Outcome outcome = Outcome.DONE;
        try {
            calls.acquire();
            List<FactCandidate> found;
            try {
                found = extractor.extract(turns, session.summary);
            } finally {
                calls.release();
            }
            candidates.sendAll(found);
            session.summary = summarize(session.summary, turns);
        } catch (InterruptedException e) {
            // Shutting down mid-batch: these turns stay uncommitted, so the next owner extracts them.
            Thread.currentThread().interrupt();
            outcome = Outcome.ABANDONED;
        } catch (Exception e) {
            outcome = failed(batch, e);
        } finally {
            finish(session, batch, outcome);
        }
    }

    /**
     * What is batched and summarized together: one user's turns in one session. Two users of a tenant
     * may send the same session id; one of them must never reach the other's prompt or summary.
     */
    private record Conversation(SessionKey session, String userId) {}

    private enum Outcome {
        DONE,
        RETRY_LATER,
        ABANDONED
    }

    /**
     * A provider or broker problem is not the turns' fault: the batch waits and is tried again, so
     * nothing is lost however long the outage (a wrong key or model name included: fixing the
     * configuration lets it through). Output the model cannot get right, a request the provider
     * refuses as invalid (4xx other than auth and not-found: too long, filtered content), or a bug,
     * is the turns' own: they go to the dead-letter topic with the reason, and a replay can take them
     * again; retried, they would hold their partition's commit forever.
     */
    private Outcome failed(List<Pending> batch, Exception e) {
        if (!running.get() || Thread.currentThread().isInterrupted()) {
            return Outcome.ABANDONED;
        }
        boolean transientFailure = e instanceof LangChain4jException
                        && !(e instanceof MalformedLlmOutputException)
                        && !(e instanceof InvalidRequestException)
                || e instanceof java.util.concurrent.ExecutionException
                || e instanceof java.util.concurrent.TimeoutException;
        if (transientFailure) {
            log.warn("extraction of a batch of {} turns failed; retrying it later: {}", batch.size(), e.toString());
            return Outcome.RETRY_LATER;
        }
        log.warn("extraction failed for a batch of {} turns; dead-lettering them: {}", batch.size(), e.toString());
        try {
            batch.forEach(p -> deadLetters.accept(p.record(), e));
            return Outcome.DONE;
        } catch (RuntimeException deadLetterFailed) {
            log.warn("could not dead-letter the batch; retrying it later: {}", deadLetterFailed.toString());
            return Outcome.RETRY_LATER;
        }
    }

    private void finish(Session session, List<Pending> batch, Outcome outcome) {
        synchronized (session) {
            switch (outcome) {
                case DONE -> {
                    batch.forEach(Pending::done);
                    buffered.addAndGet(-batch.size());
                    session.failures = 0;
                }
                case RETRY_LATER -> {
                    // Back to the front of the session's queue, in order, after a growing pause.
                    session.buffer.addAll(0, batch);
                    session.failures++;
                    long pause = Math.min(
                            MAX_SESSION_PAUSE.toNanos(),
                            Duration.ofMillis(500).toNanos() << Math.min(session.failures - 1, 20));
                    session.notBeforeNanos = System.nanoTime() + pause;
                }
                case ABANDONED -> buffered.addAndGet(-batch.size());
            }
            session.inFlight = false;
        }
    }

    /** The session's context for its next batch: bounded, so its cost stays flat. */
    private String summarize(String previous, List<Turn> turns) {
        Turn last = turns.getLast();
        List<SummaryRequest.Message> messages = turns.stream()
                .map(t -> new SummaryRequest.Message(t.turnId(), t.role(), t.content(), t.createdAt()))
                .toList();
        return summarizer.summarize(new SummaryRequest(
                last.tenantId(),
                last.namespace(),
                last.userId(),
                last.sessionId(),
                "running",
                previous,
                messages,
                Instant.now()));
    }

    private void commit(Consumer<byte[], byte[]> c) {
        var ready = offsets.committable();
        ready.keySet().retainAll(c.assignment());
        if (!ready.isEmpty()) {
            c.commitSync(ready);
            offsets.committed(ready);
        }
    }

    private void applyBackpressure(Consumer<byte[], byte[]> c) {
        if (buffered.get() >= settings.maxBuffered()) {
            c.pause(c.assignment());
        } else if (!c.paused().isEmpty()) {
            c.resume(c.paused());
        }
    }

    private void awaitInFlight(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (sessions.values().stream().anyMatch(s -> s.inFlight) && System.nanoTime() < deadline) {
            sleepQuietly(Duration.ofMillis(20));
        }
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * On losing partitions: commit what is finished, and drop the buffered turns of those partitions;
     * the next owner reads them again from the committed offset. A batch still in flight may publish
     * candidates the next owner publishes too; dedup recognises evidence it already counted.
     */
    private final class Rebalance implements ConsumerRebalanceListener {

        private final Consumer<byte[], byte[]> consumer;

        Rebalance(Consumer<byte[], byte[]> consumer) {
            this.consumer = consumer;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            try {
                commit(consumer);
            } catch (RuntimeException e) {
                log.warn(
                        "could not commit before giving partitions up; the next owner re-reads them: {}", e.toString());
            }
            drop(revoked);
        }

        private void drop(Collection<TopicPartition> revoked) {
            sessions.values().forEach(session -> {
                synchronized (session) {
                    int before = session.buffer.size();
                    session.buffer.removeIf(p -> revoked.contains(p.partition()));
                    buffered.addAndGet(session.buffer.size() - before);
                }
            });
            revoked.forEach(offsets::forget);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            // Another member owns them already: committing for them would fail. Just let go.
            drop(lost);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            // Positions come from the committed offsets.
        }
    }
}
