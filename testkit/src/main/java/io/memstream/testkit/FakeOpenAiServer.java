package io.memstream.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.memstream.common.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A local server that speaks OpenAI's chat-completions wire protocol, answering with replies a test
 * scripts in advance: content, an HTTP error, garbage. It records every request it receives. No
 * real LLM can be reached from these machines; this is what tests talk to instead.
 *
 * <p>No request outlives the server: a delayed reply is cut short by {@link #close()}, which then
 * waits for every handler to finish, so a test's slow call can never take the next test's reply.
 */
public final class FakeOpenAiServer implements AutoCloseable {

    /**
     * One scripted answer, sent after {@code delay} (a slow provider). A delay longer than the
     * test lasts is a provider that never answers: the server drops the call when it closes.
     */
    public record Reply(int status, String body, Map<String, String> headers, Duration delay) {

        public Reply(int status, String body, Map<String, String> headers) {
            this(status, body, headers, Duration.ZERO);
        }

        public Reply slowedBy(Duration by) {
            return new Reply(status, body, headers, by);
        }

        /** This reply is never sent: the call hangs until the server closes. */
        public Reply never() {
            return slowedBy(Duration.ofDays(1));
        }
    }

    private static final Duration HANDLERS_GRACE = Duration.ofSeconds(10);

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private volatile Function<JsonNode, Reply> responder;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();

    public FakeOpenAiServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake OpenAI server", e);
        }
        server.createContext("/v1/chat/completions", this::handle);
        // Concurrent calls, and a slow reply must not hold up the next one.
        server.setExecutor(handlers);
        server.start();
    }

    /** The base URL to give an OpenAI client, ending in /v1. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /**
     * Answers every call that has no scripted reply left by looking at its request: for servers
     * shared by tests that cannot know in which order their calls arrive.
     */
    public FakeOpenAiServer respondWith(Function<JsonNode, Reply> responder) {
        this.responder = responder;
        return this;
    }

    /** The next call answers with this assistant content and token usage. */
    public FakeOpenAiServer replyWithContent(String content, int promptTokens, int completionTokens) {
        replies.add(content(content, promptTokens, completionTokens));
        return this;
    }

    /** A successful chat completion carrying this assistant content. */
    public static Reply content(String content, int promptTokens, int completionTokens) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("id", "chatcmpl-fake");
        body.put("object", "chat.completion");
        body.put("created", 1_700_000_000L);
        body.put("model", "fake");
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", content);
        choice.put("finish_reason", "stop");
        body.putObject("usage")
                .put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        return new Reply(200, body.toString(), Map.of());
    }

    /** The next call answers like this. */
    public FakeOpenAiServer reply(Reply reply) {
        replies.add(reply);
        return this;
    }

    /** The next call answers with this status and body, as a failing provider would. */
    public FakeOpenAiServer replyWithError(int status, String body, Map<String, String> headers) {
        replies.add(new Reply(status, body, headers));
        return this;
    }

    /** Every request body received so far, parsed. */
    public List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    /** The most requests this server was answering at the same moment. */
    public int mostConcurrentRequests() {
        return mostAtOnce.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        mostAtOnce.accumulateAndGet(active.incrementAndGet(), Math::max);
        try (exchange) {
            JsonNode request = Json.MAPPER.readTree(exchange.getRequestBody().readAllBytes());
            requests.add(request);
            Reply reply = replies.poll();
            if (reply == null && responder != null) {
                reply = responder.apply(request);
            }
            if (reply == null) {
                reply = new Reply(500, "{\"error\": {\"message\": \"no scripted reply left\"}}", Map.of());
            }
            if (!reply.delay().isZero() && waitUnlessClosing(reply.delay())) {
                return;
            }
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } finally {
            active.decrementAndGet();
        }
    }

    /** Waits out a slow reply's delay; true if the server began to close meanwhile. */
    private boolean waitUnlessClosing(Duration delay) {
        try {
            return closing.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /**
     * Drops the calls still waiting for a slow reply, stops listening and waits for every handler to
     * end: nothing this server was asked can be answered after the test that owns it.
     */
    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        handlers.shutdown();
        try {
            if (!handlers.awaitTermination(HANDLERS_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(
                        "the fake OpenAI server's handlers did not end within " + HANDLERS_GRACE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while closing the fake OpenAI server", e);
        }
    }
}
