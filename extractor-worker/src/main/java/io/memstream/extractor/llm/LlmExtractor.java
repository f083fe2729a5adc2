package io.memstream.extractor.llm;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.output.TokenUsage;
import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactKey;
import io.memstream.common.events.Ids;
import io.memstream.common.events.Turn;
import io.memstream.common.json.Json;
import io.memstream.extractor.turns.Extractor;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.StringNode;

/**
 * Extracts facts with an LLM: the versioned prompt, the key vocabulary and the user's known keys go
 * in; facts in the structured-output schema come out. The prompt version and the model travel with
 * every candidate. Transient provider failures are retried with backoff; an answer outside the
 * schema gets one repair attempt. What still fails raises: the consumer retries a provider failure
 * later and dead-letters output the model cannot get right; a failure never becomes "no facts".
 */
public final class LlmExtractor implements Extractor {

    /** Keys the prompt offers first, so that common attributes get the same key from every model. */
    static final List<String> VOCABULARY = List.of(
            "name",
            "location.home",
            "location.origin",
            "work.employer",
            "work.role",
            "preference.<subject>",
            "preference.food.cuisine",
            "diet",
            "diet.avoids.<food>",
            "health.allergy.<allergen>",
            "family.<relation>",
            "pet.<kind>",
            "plan.<subject>");

    // A provider asking for a longer pause than this gets the batch back to the consumer, which
    // retries it later without holding a thread.
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);

    private static final Pattern KEY = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_]+)*");

    private final ChatModel model;
    private final String id;
    private final String prompt;
    private final KnownKeys knownKeys;
    private final MeterRegistry meters;
    private final LlmSettings settings;

    private final Consumer<Duration> pause;

    public LlmExtractor(ChatModel model, LlmSettings settings, KnownKeys knownKeys, MeterRegistry meters) {
        this(model, settings, knownKeys, meters, LlmExtractor::sleep);
    }

    /** @param pause how to wait between attempts; tests record the waits instead of sleeping */
    LlmExtractor(
            ChatModel model,
            LlmSettings settings,
            KnownKeys knownKeys,
            MeterRegistry meters,
            Consumer<Duration> pause) {
        this.pause = pause;
        this.knownKeys = knownKeys;
        this.model = model;
        this.settings = settings;
        this.id = "llm/" + settings.model() + "/prompt-" + settings.promptVersion();
        this.prompt = loadPrompt(settings.promptVersion());
        this.meters = meters;
    }

    /**
     * The chat model for these settings: strict structured output, deterministic sampling, and an
     * HTTP client that keeps Retry-After. Retries are this class's, with jitter; langchain4j's own
     * would multiply them.
     */
    public static ChatModel chatModel(LlmSettings settings) {
        return OpenAiChatModel.builder()
                .httpClientBuilder(new HeaderAwareHttpClient.Builder())
                .baseUrl(settings.baseUrl())
                .apiKey(settings.apiKey())
                .modelName(settings.model())
                .timeout(settings.timeout())
                .strictJsonSchema(true)
                .temperature(0.0)
                .maxRetries(0)
                .build();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public List<FactCandidate> extract(Turn turn) {
        return extract(List.of(turn), null);
    }

    /**
     * One call for a session's new turns: the running summary and the new turns go in, never the
     * thread before them, so the cost of a turn does not grow with the conversation.
     */
    @Override
    public List<FactCandidate> extract(List<Turn> turns, String sessionSummary) {
        List<Turn> fromUser =
                turns.stream().filter(t -> t.fromUser() && t.userId() != null).toList();
        if (fromUser.isEmpty()) {
            return List.of();
        }
        Turn last = fromUser.getLast();
        String system = prompt.replace("{{vocabulary}}", String.join(", ", VOCABULARY))
                .replace(
                        "{{existing_keys}}",
                        String.join(", ", knownKeys.of(last.tenantId(), last.userId(), last.namespace())))
                .replace("{{turn_time}}", last.createdAt().toString());
        List<ChatMessage> conversation =
                List.of(SystemMessage.from(system), UserMessage.from(userMessage(fromUser, sessionSummary)));
        ChatResponse response = call(last.tenantId(), conversation);
        List<ExtractedFact> facts;
        try {
            facts = parse(response.aiMessage().text(), fromUser);
        } catch (MalformedLlmOutputException e) {
            // One repair attempt: show the model its answer and what is wrong with it.
            List<ChatMessage> repair = new ArrayList<>(conversation);
            repair.add(AiMessage.from(String.valueOf(response.aiMessage().text())));
            repair.add(UserMessage.from("That answer is invalid: " + e.getMessage()
                    + ". Answer again with only JSON that matches the required schema."));
            try {
                facts = parse(call(last.tenantId(), repair).aiMessage().text(), fromUser);
            } catch (MalformedLlmOutputException again) {
                throw new MalformedLlmOutputException(again.getMessage() + " (after one repair attempt)", again);
            }
        }
        Map<String, Turn> byId = new HashMap<>();
        fromUser.forEach(t -> byId.put(t.turnId(), t));
        List<FactCandidate> candidates = new ArrayList<>();
        for (ExtractedFact fact : facts) {
            List<String> sources =
                    fact.sourceTurnIds() == null || fact.sourceTurnIds().isEmpty()
                            ? fromUser.stream().map(Turn::turnId).toList()
                            : fact.sourceTurnIds();
            Turn said = sources.stream()
                    .map(byId::get)
                    .max(Comparator.comparing(Turn::createdAt))
                    .orElseThrow();
            FactKey key = new FactKey(said.tenantId(), said.userId(), said.namespace(), fact.key());
            knownKeys.remember(key);
            candidates.add(new FactCandidate(
                    Ids.derived(
                            id,
                            said.tenantId(),
                            String.join(",", sources.stream().sorted().toList()),
                            fact.key()),
                    key,
                    StringNode.valueOf(fact.value()),
                    fact.text(),
                    fact.memoryType(),
                    fact.topics(),
                    fact.entities(),
                    fact.confidence(),
                    sources,
                    said.sessionId(),
                    id,
                    said.createdAt(),
                    eventDate(fact.eventDate())));
        }
        return candidates;
    }

    private static String userMessage(List<Turn> turns, String sessionSummary) {
        StringBuilder message = new StringBuilder();
        message.append("Conversation so far (summary): ")
                .append(sessionSummary == null || sessionSummary.isBlank() ? "(none)" : sessionSummary)
                .append("\n\nNew messages from the user, each with its id and time:\n");
        for (Turn t : turns) {
            message.append('[')
                    .append(t.turnId())
                    .append("] ")
                    .append(t.createdAt())
                    .append(": ");
            message.append(t.content()).append('\n');
        }
        return message.toString().strip();
    }

    /**
     * Transient provider failures (429, 5xx, timeouts) are retried with exponential backoff and full
     * jitter, so that many workers hitting a rate limit do not retry in lockstep.
     */
    private ChatResponse call(String tenant, List<ChatMessage> messages) {
        ChatRequest request = ChatRequest.builder()
                .messages(messages)
                .responseFormat(FactSchema.RESPONSE_FORMAT)
                .build();
        for (int attempt = 1; ; attempt++) {
            try {
                ChatResponse response = model.chat(request);
                record(tenant, response.tokenUsage());
                return response;
            } catch (RetriableException e) {
                Duration wait = wait(attempt, e);
                if (attempt >= settings.maxAttempts() || wait.compareTo(MAX_RETRY_AFTER) > 0) {
                    // Out of attempts, or asked to wait longer than a worker should block: the
                    // consumer puts the batch back and tries it again later.
                    throw e;
                }
                meters.counter("memstream.llm.retries", "tenant", tenant).increment();
                pause.accept(wait);
            }
        }
    }

    /** Our jittered backoff, or longer if the provider asked for longer (Retry-After). */
    private Duration wait(int attempt, RetriableException failure) {
        Duration backoff = backoff(attempt);
        return ProviderHttpException.retryAfterOf(failure)
                .filter(asked -> asked.compareTo(backoff) > 0)
                .orElse(backoff);
    }

    private Duration backoff(int attempt) {
        long ceiling = Math.min(
                settings.maxBackoff().toMillis(), settings.initialBackoff().toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off from the LLM provider", e);
        }
    }

    /** The model writes "" for no date; a date it cannot spell right is dropped, not fatal. */
    private static LocalDate eventDate(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.strip().length() >= 10 ? value.strip().substring(0, 10) : value.strip());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Keys as people and models write them ("Work Employer", "work-employer") become one form. */
    static String normalizeKey(String key) {
        return key == null ? null : key.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s-]+", "_");
    }

    private static List<ExtractedFact> parse(String answer, List<Turn> turns) {
        ExtractedFacts facts;
        try {
            facts = Json.MAPPER.readValue(answer == null ? "" : answer, ExtractedFacts.class);
        } catch (JacksonException e) {
            throw new MalformedLlmOutputException("the model's answer is not JSON in the facts schema", e);
        }
        if (facts.facts() == null) {
            throw new MalformedLlmOutputException("the model's answer has no 'facts' list", null);
        }
        List<ExtractedFact> normalized = new ArrayList<>();
        for (ExtractedFact raw : facts.facts()) {
            ExtractedFact f = new ExtractedFact(
                    normalizeKey(raw.key()),
                    raw.value(),
                    raw.text(),
                    raw.memoryType(),
                    raw.topics(),
                    raw.entities(),
                    raw.eventDate(),
                    raw.confidence(),
                    raw.sourceTurnIds());
            normalized.add(f);
            if (f.key() == null
                    || f.key().length() > 256
                    || !KEY.matcher(f.key()).matches()) {
                throw new MalformedLlmOutputException("the model returned an invalid fact key: " + f.key(), null);
            }
            if (f.value() == null || f.text() == null || !(f.confidence() >= 0 && f.confidence() <= 1)) {
                throw new MalformedLlmOutputException("the model returned an incomplete fact for " + f.key(), null);
            }
            if (f.sourceTurnIds() != null
                    && !turns.stream().map(Turn::turnId).toList().containsAll(f.sourceTurnIds())) {
                throw new MalformedLlmOutputException(
                        "the model cited turns that are not in this batch: " + f.sourceTurnIds(), null);
            }
        }
        return normalized;
    }

    /** Cost is visible per tenant: prompt and completion tokens of every call. */
    private void record(String tenant, TokenUsage usage) {
        if (usage == null) {
            return;
        }
        if (usage.inputTokenCount() != null) {
            meters.counter("memstream.llm.tokens", "tenant", tenant, "type", "prompt")
                    .increment(usage.inputTokenCount());
        }
        if (usage.outputTokenCount() != null) {
            meters.counter("memstream.llm.tokens", "tenant", tenant, "type", "completion")
                    .increment(usage.outputTokenCount());
        }
    }

    private static String loadPrompt(String version) {
        String path = "/prompts/extract-facts-" + version + ".txt";
        try (InputStream in = LlmExtractor.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no prompt " + path + " (memstream.llm.prompt-version)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
