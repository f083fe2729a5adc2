package io.memstream.system.quality;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Compiles the hand-written conversation scripts in {@code search-quality/conversations/} into
 * {@code search-quality/labelled-set.json}: it numbers sessions and turns, gives each turn a time
 * (the session's date plus {@value #SECONDS_PER_TURN} seconds per turn) and replaces the labels
 * questions cite with turn ids. The text is all in the scripts; nothing here invents any.
 *
 * <p>It uses only the JDK, so it runs without a build:
 * {@code java system-tests/src/test/java/io/memstream/system/quality/LabelledSetGenerator.java}
 * (from the repository root). {@code LabelledSetTest} fails when the committed JSON is not what the
 * scripts compile to.
 *
 * <p>A script reads:
 *
 * <pre>
 * conversation c1 dev          id and split (dev or heldout)
 * user Nadia                   the speaker who is the Memstream user (role user)
 * other Tomasz                 the other speaker (role assistant)
 * session 2026-01-11 19:40     a new session and when it starts (UTC)
 * Tomasz: text                 a turn
 * [job] Nadia: text            a turn that questions cite as "job"
 * questions                    the rest are questions:
 * kind job,move fact=work.employer traits=paraphrase | question | answer
 * </pre>
 *
 * Lines starting with {@code #} are comments.
 */
public final class LabelledSetGenerator {

    static final Path SOURCES = Path.of("system-tests/src/test/resources/search-quality/conversations");
    static final Path OUTPUT = Path.of("system-tests/src/test/resources/search-quality/labelled-set.json");
    static final Set<String> KINDS = Set.of("single", "adjacent", "multi", "temporal", "update", "preference");
    static final Set<String> TRAITS = Set.of("paraphrase", "rare", "ellipsis");
    static final Set<String> SPLITS = Set.of("dev", "heldout");
    private static final int SECONDS_PER_TURN = 15;

    private static final String ABOUT = "Multi-session conversations between two people, written for Memstream"
            + " (not taken from any public benchmark), with questions of the kinds users ask, each labelled with"
            + " the turns that answer it. Load each session with PUT /v1/working-memory/{session id} for the"
            + " conversation's own user: message id = turn id, role = the turn's role, content = \"<speaker>:"
            + " <text>\", created_at = the turn's. Recall@k of a question is the share of its evidence turns in"
            + " the first k results. answered_by_fact names the fact key the offline rule extractor learns from"
            + " the user's own evidence turn. Generated from conversations/*.txt by LabelledSetGenerator; edit"
            + " those, not this file.";
    private static final DateTimeFormatter SESSION_START = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final Pattern TURN =
            Pattern.compile("^(?:\\[(?<label>[a-z0-9_-]+)]\\s+)?(?<speaker>[^:\\s]+):\\s+(?<text>\\S.*)$");
    private static final Pattern QUESTION_HEAD =
            Pattern.compile("^(?<kind>[a-z]+)\\s+(?<labels>[a-z0-9_,-]+)(?<options>(?:\\s+[a-z_]+=\\S+)*)\\s*$");

    private LabelledSetGenerator() {}

    public static void main(String[] args) throws IOException {
        Path sources = args.length > 0 ? Path.of(args[0]) : SOURCES;
        Path output = args.length > 1 ? Path.of(args[1]) : OUTPUT;
        Files.writeString(output, generate(sources));
        System.out.println("wrote " + output);
    }

    /** The JSON the scripts in {@code sources} compile to; the same scripts always give the same text. */
    static String generate(Path sources) throws IOException {
        List<Path> scripts;
        try (Stream<Path> files = Files.list(sources)) {
            scripts = files.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        if (scripts.isEmpty()) {
            throw new IllegalArgumentException("no *.txt scripts in " + sources);
        }
        StringBuilder json = new StringBuilder();
        json.append("{\n  \"about\": ").append(quote(ABOUT)).append(",\n  \"conversations\": [\n");
        for (int i = 0; i < scripts.size(); i++) {
            Path script = scripts.get(i);
            Conversation conversation;
            try {
                conversation = parse(Files.readAllLines(script));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(script.getFileName() + ": " + e.getMessage(), e);
            }
            conversation.write(json);
            json.append(i < scripts.size() - 1 ? ",\n" : "\n");
        }
        return json.append("  ]\n}\n").toString();
    }

    record Turn(String id, String speaker, String role, Instant createdAt, String text) {}

    record Session(String id, Instant date, List<Turn> turns) {}

    record Question(
            String id,
            String kind,
            String question,
            String answer,
            List<String> evidence,
            List<String> traits,
            String fact) {}

    record Conversation(
            String id, String split, String user, String other, List<Session> sessions, List<Question> questions) {

        void write(StringBuilder out) {
            out.append("    {\n");
            out.append("      \"id\": ")
                    .append(quote(id))
                    .append(", \"split\": ")
                    .append(quote(split));
            out.append(", \"user\": ")
                    .append(quote(user))
                    .append(", \"other\": ")
                    .append(quote(other))
                    .append(",\n");
            out.append("      \"sessions\": [\n");
            for (int s = 0; s < sessions.size(); s++) {
                Session session = sessions.get(s);
                out.append("        {\"id\": ").append(quote(session.id())).append(", \"date\": ");
                out.append(quote(session.date().toString())).append(", \"turns\": [\n");
                for (int t = 0; t < session.turns().size(); t++) {
                    Turn turn = session.turns().get(t);
                    out.append("          {\"id\": ").append(quote(turn.id()));
                    out.append(", \"speaker\": ").append(quote(turn.speaker()));
                    out.append(", \"role\": ").append(quote(turn.role()));
                    out.append(", \"created_at\": ")
                            .append(quote(turn.createdAt().toString()));
                    out.append(", \"text\": ").append(quote(turn.text())).append('}');
                    out.append(t < session.turns().size() - 1 ? ",\n" : "\n");
                }
                out.append("        ]}").append(s < sessions.size() - 1 ? ",\n" : "\n");
            }
            out.append("      ],\n      \"questions\": [\n");
            for (int q = 0; q < questions.size(); q++) {
                Question question = questions.get(q);
                out.append("        {\"id\": ").append(quote(question.id()));
                out.append(", \"kind\": ").append(quote(question.kind()));
                out.append(", \"question\": ").append(quote(question.question()));
                out.append(", \"answer\": ").append(quote(question.answer()));
                out.append(", \"evidence\": ").append(list(question.evidence()));
                out.append(", \"traits\": ").append(list(question.traits()));
                if (question.fact() != null) {
                    out.append(", \"answered_by_fact\": ").append(quote(question.fact()));
                }
                out.append('}').append(q < questions.size() - 1 ? ",\n" : "\n");
            }
            out.append("      ]\n    }");
        }
    }

    static Conversation parse(List<String> lines) {
        String id = null;
        String split = null;
        String user = null;
        String other = null;
        List<Session> sessions = new ArrayList<>();
        List<Question> questions = new ArrayList<>();
        Map<String, Turn> labels = new LinkedHashMap<>();
        List<Turn> current = null;
        Instant start = null;
        boolean inQuestions = false;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "line " + (n + 1) + ": ";
            String[] words = line.split("\\s+", 3);
            if (inQuestions) {
                questions.add(question(id + "-q%03d".formatted(questions.size() + 1), line, labels, where));
            } else if (words[0].equals("conversation") && words.length == 3) {
                id = words[1];
                split = words[2];
                if (!SPLITS.contains(split)) {
                    throw new IllegalArgumentException(where + "split must be one of " + SPLITS);
                }
            } else if (words[0].equals("user") && words.length == 2) {
                user = words[1];
            } else if (words[0].equals("other") && words.length == 2) {
                other = words[1];
            } else if (words[0].equals("session")) {
                if (id == null || user == null || other == null) {
                    throw new IllegalArgumentException(where + "conversation, user and other come before sessions");
                }
                close(id, sessions, current, start, where);
                try {
                    start = LocalDateTime.parse(
                                    line.substring("session".length()).strip(), SESSION_START)
                            .toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException(where + "a session starts with yyyy-MM-dd HH:mm", e);
                }
                if (!sessions.isEmpty() && !start.isAfter(sessions.getLast().date())) {
                    throw new IllegalArgumentException(where + "sessions must be in time order");
                }
                current = new ArrayList<>();
            } else if (line.equals("questions")) {
                close(id, sessions, current, start, where);
                current = null;
                inQuestions = true;
            } else {
                Matcher m = TURN.matcher(line);
                if (!m.matches() || current == null) {
                    throw new IllegalArgumentException(where + "expected a turn (Speaker: text) inside a session");
                }
                String speaker = m.group("speaker");
                if (!speaker.equals(user) && !speaker.equals(other)) {
                    throw new IllegalArgumentException(where + "unknown speaker " + speaker);
                }
                String turnId = "%s-s%02d-t%02d".formatted(id, sessions.size() + 1, current.size() + 1);
                Turn turn = new Turn(
                        turnId,
                        speaker,
                        speaker.equals(user) ? "user" : "assistant",
                        start.plusSeconds((long) SECONDS_PER_TURN * current.size()),
                        m.group("text"));
                current.add(turn);
                if (m.group("label") != null && labels.put(m.group("label"), turn) != null) {
                    throw new IllegalArgumentException(where + "label " + m.group("label") + " is used twice");
                }
            }
        }
        if (!inQuestions) {
            throw new IllegalArgumentException("no questions section");
        }
        return new Conversation(id, split, user, other, List.copyOf(sessions), List.copyOf(questions));
    }

    private static void close(String id, List<Session> sessions, List<Turn> turns, Instant start, String where) {
        if (turns == null) {
            return;
        }
        if (turns.isEmpty()) {
            throw new IllegalArgumentException(where + "the session before has no turns");
        }
        sessions.add(new Session("%s-s%02d".formatted(id, sessions.size() + 1), start, List.copyOf(turns)));
    }

    private static Question question(String id, String line, Map<String, Turn> labels, String where) {
        String[] parts = line.split("\\|", -1);
        if (parts.length != 3 || parts[1].isBlank() || parts[2].isBlank()) {
            throw new IllegalArgumentException(where + "a question reads: kind labels [options] | question | answer");
        }
        Matcher head = QUESTION_HEAD.matcher(parts[0].strip());
        if (!head.matches() || !KINDS.contains(head.group("kind"))) {
            throw new IllegalArgumentException(where + "a question starts with one of " + KINDS + " and its labels");
        }
        List<String> evidence = new ArrayList<>();
        for (String label : head.group("labels").split(",")) {
            Turn turn = labels.get(label);
            if (turn == null) {
                throw new IllegalArgumentException(where + "no turn is labelled " + label);
            }
            evidence.add(turn.id());
        }
        String fact = null;
        List<String> traits = List.of();
        for (String option : head.group("options").strip().split("\\s+")) {
            if (option.startsWith("fact=")) {
                fact = option.substring("fact=".length());
            } else if (option.startsWith("traits=")) {
                traits = List.of(option.substring("traits=".length()).split(","));
                if (!TRAITS.containsAll(traits)) {
                    throw new IllegalArgumentException(where + "traits are among " + TRAITS);
                }
            } else if (!option.isEmpty()) {
                throw new IllegalArgumentException(where + "unknown option " + option);
            }
        }
        return new Question(
                id, head.group("kind"), parts[1].strip(), parts[2].strip(), List.copyOf(evidence), traits, fact);
    }

    private static String list(List<String> values) {
        return values.stream().map(LabelledSetGenerator::quote).toList().toString();
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u%04x".formatted((int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
