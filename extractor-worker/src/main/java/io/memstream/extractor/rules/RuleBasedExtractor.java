package io.memstream.extractor.rules;

import io.memstream.common.events.FactCandidate;
import io.memstream.common.events.FactKey;
import io.memstream.common.events.Ids;
import io.memstream.common.events.Turn;
import io.memstream.extractor.turns.Extractor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import tools.jackson.databind.node.StringNode;

/**
 * A deterministic extractor for the statements people make about themselves most often: name,
 * where they live, employer and role, likes, dislikes and preferences, diet and allergies. It makes
 * the pipeline useful without any LLM, and gives tests a predictable extractor.
 *
 * <p>Only the user's own turns are read: what the assistant says is not evidence about the user.
 */
public final class RuleBasedExtractor implements Extractor {

    public static final String ID = "rules/1";

    // Clauses are split at sentence ends and at "and"/"but" that start a new first-person statement,
    // so "I'm Ana and I work at Acme" yields two facts. The spaces before "and" are matched only from
    // where they start, (?<!\s), and whole: tried from every space of a long run, they cost its square.
    private static final Pattern CLAUSE_BREAK = Pattern.compile(
            "[.!?;\\n]+\\s*|,?(?<!\\s)\\s++(?:and|but)\\s++(?=(?:i|i'm|i've|my)\\b)", Pattern.CASE_INSENSITIVE);

    private final List<Rule> rules;

    /**
     * What the patterns read a text through: the text itself, or in a test a view that counts the
     * characters the regex engine reads, a measure of work that no load of the machine changes.
     */
    private final UnaryOperator<CharSequence> reading;

    public RuleBasedExtractor() {
        this(UnaryOperator.identity());
    }

    RuleBasedExtractor(UnaryOperator<CharSequence> reading) {
        this.reading = reading;
        this.rules = new Rules(reading).all();
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<FactCandidate> extract(Turn turn) {
        if (!turn.fromUser() || turn.userId() == null) {
            return List.of();
        }
        // One candidate per key and turn: the last statement in the turn wins ("I like tea. No, I hate tea.").
        Map<String, Statement> byKey = new LinkedHashMap<>();
        for (String clause : CLAUSE_BREAK.split(reading.apply(turn.content()))) {
            String trimmed = clause.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            for (Rule rule : rules) {
                for (Statement statement : rule.apply(reading.apply(trimmed))) {
                    byKey.remove(statement.key());
                    byKey.put(statement.key(), statement);
                }
            }
        }
        List<FactCandidate> candidates = new ArrayList<>(byKey.size());
        for (Statement s : byKey.values()) {
            FactKey key = new FactKey(turn.tenantId(), turn.userId(), turn.namespace(), s.key());
            candidates.add(new FactCandidate(
                    Ids.derived(ID, turn.tenantId(), turn.turnId(), s.key()),
                    key,
                    StringNode.valueOf(s.value()),
                    s.text(),
                    "semantic",
                    s.topics(),
                    s.entities(),
                    s.confidence(),
                    List.of(turn.turnId()),
                    turn.sessionId(),
                    ID,
                    turn.createdAt(),
                    null));
        }
        return candidates;
    }
}
