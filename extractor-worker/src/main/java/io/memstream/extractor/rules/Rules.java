package io.memstream.extractor.rules;

import io.memstream.common.events.Ids;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule set of {@link RuleBasedExtractor}. Values written by people keep their own spelling. Every
 * pattern, the rules' own and those that cut a matched phrase down, reads its text through the
 * extractor's reading, so a test that counts what is read sees all the work done on a turn.
 */
final class Rules {

    private static final String I_AM = "i(?:'m|\\s+am)";
    private static final String I_HAVE = "i(?:'ve|\\s+have)";
    private static final String ADVERB =
            "(?:\\s+(?:really|absolutely|just|also|totally|truly|genuinely|usually|generally|always))?";
    // Proper names and places are matched case-sensitively inside case-insensitive patterns.
    private static final String NAME = "(?-i:\\p{Lu}[\\p{L}'-]*(?:\\s+\\p{Lu}[\\p{L}'-]*){0,2})";
    private static final String PLACE = "(?-i:\\p{Lu}[\\p{L}.'-]*(?:(?:\\s+|,\\s*)\\p{Lu}[\\p{L}.'-]*){0,3})";
    private static final String ORG = "(?-i:[\\p{Lu}\\d][\\p{L}\\d&.'-]*(?:\\s+[\\p{Lu}\\d&][\\p{L}\\d&.'-]*){0,4})";
    private static final String ROLE_NOUN = "(?:engineer|developer|programmer|designer|manager|teacher|professor"
            + "|doctor|nurse|physician|scientist|analyst|student|lawyer|attorney|architect|consultant|writer"
            + "|journalist|researcher|accountant|founder|co-founder|director|chef|cook|artist|musician|photographer"
            + "|pharmacist|dentist|therapist|marketer|administrator|officer|technician|mechanic|electrician"
            + "|pilot|intern|editor|economist|executive|recruiter|librarian|farmer|carpenter|plumber|CEO|CTO|CFO)";
    private static final String DIETS =
            "vegetarian|vegan|pescatarian|pescetarian|keto|paleo|halal|kosher|gluten[- ]free";

    // Every pattern reads a clause in time linear in its length, whatever its shape (RuleLinearityTest).
    // A run that find() would otherwise try from each of its positions (\s* before a word, [...]+$) is
    // matched only from where it starts, (?<!...), and whole, ++: from inside the run it could only
    // match what it matches from the start, so the matches are the same, without the run's square.

    // A phrase ends where the clause turns into a reason, condition or aside.
    private static final Pattern PHRASE_END = Pattern.compile(
            ",|\\s(?:because|since|when|but|though|although|if|so|as|which|who)\\s", Pattern.CASE_INSENSITIVE);
    private static final Pattern LIST_BREAK =
            Pattern.compile("(?<!\\s)\\s*+(?:,|\\band\\b|\\bor\\b)\\s*+", Pattern.CASE_INSENSITIVE);
    private static final Pattern TRAILING_PUNCTUATION = Pattern.compile("(?<![\\s\"'.,!?)])[\\s\"'.,!?)]++$");
    // What a preference is preferred to: "I prefer tea over coffee".
    private static final Pattern COMPARED_TO =
            Pattern.compile("(?<!\\s)\\s++(?:over|to|than|rather\\s+than|instead\\s+of)\\s", Pattern.CASE_INSENSITIVE);
    private static final Pattern LEADING_ARTICLE = Pattern.compile("^(?:to|the|a|an|my)\\s+", Pattern.CASE_INSENSITIVE);
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NOT_A_WORD = Pattern.compile("[^a-z0-9]+");
    private static final Pattern EDGE_UNDERSCORES = Pattern.compile("^_+|_+$");

    private final UnaryOperator<CharSequence> reading;

    Rules(UnaryOperator<CharSequence> reading) {
        this.reading = reading;
    }

    List<Rule> all() {
        return List.of(
                rule("\\b(?:my\\s+name\\s+is|my\\s+name's|call\\s+me)\\s+(?<v>" + NAME + ")", m -> name(m, 0.95)),
                rule("^(?:(?:hi|hello|hey)[,!]?\\s+)?" + I_AM + "\\s+(?<v>" + NAME + ")$", m -> name(m, 0.8)),
                rule(
                        "\\b(?:" + I_AM + "|" + I_HAVE + "|i)(?:\\s+(?:just|recently|now|currently))?\\s+"
                                + "(?:live|living|reside|residing|based|moved|relocated)\\s+(?:in|to)\\s+(?<v>" + PLACE
                                + ")",
                        m -> one("location.home", m.group("v"), "User lives in %s.", 0.9, "location", true)),
                rule(
                        "\\b" + I_AM + "\\s+(?:originally\\s+)?from\\s+(?<v>" + PLACE + ")",
                        m -> one("location.origin", m.group("v"), "User is from %s.", 0.85, "location", true)),
                rule(
                        "\\b(?:" + I_AM
                                + "|i)(?:\\s+(?:currently|now))?\\s+(?:work|working|employed)\\s+(?:at|for|by)\\s+(?<v>"
                                + ORG + ")",
                        m -> one("work.employer", m.group("v"), "User works at %s.", 0.9, "work", true)),
                rule(
                        "\\b" + I_HAVE + "?\\s*(?:just\\s+|recently\\s+)?joined\\s+(?<v>" + ORG + ")",
                        m -> one("work.employer", m.group("v"), "User works at %s.", 0.85, "work", true)),
                rule(
                        "\\b(?:" + I_AM + "|i\\s+work\\s+as)\\s+(?:an?\\s+)?(?<v>(?:[\\p{L}-]+\\s+){0,3}?" + ROLE_NOUN
                                + ")\\b(?:\\s+(?:at|for)\\s+(?<org>" + ORG + "))?",
                        this::role),
                rule(
                        "\\bwork(?:ing)?\\s+(?:at|for)\\s+(?<org>" + ORG
                                + ")\\s+as\\s+(?:an?\\s+)?(?<v>(?:[\\p{L}-]+\\s+){0,3}?" + ROLE_NOUN + ")\\b",
                        this::role),
                rule("\\bi" + ADVERB + "\\s+(?:like|love|enjoy|adore)\\s+(?<v>.+)", m -> sentiment(m, "like", "likes")),
                rule(
                        "\\b" + I_AM + "\\s+(?:a\\s+(?:big\\s+|huge\\s+)?fan\\s+of|into|fond\\s+of)\\s+(?<v>.+)",
                        m -> sentiment(m, "like", "likes")),
                rule(
                        "\\bi" + ADVERB + "\\s+(?:dislike|hate|detest|loathe|can't\\s+stand|cannot\\s+stand"
                                + "|don't\\s+(?:like|enjoy)|do\\s+not\\s+(?:like|enjoy))\\s+(?<v>.+)",
                        m -> sentiment(m, "dislike", "dislikes")),
                // Not ".+?" up to an optional comparison and "$": tried from every "i prefer" of a long
                // clause, that reads the rest of the clause each time. The comparison is cut off after.
                rule(
                        "\\bi" + ADVERB + "\\s+prefer\\s+(?<v>.+)",
                        m -> sentiment(before(COMPARED_TO, m.group("v")), "prefer", "prefers")),
                rule(
                        "\\b" + I_AM + "\\s+(?:an?\\s+)?(?:strict\\s+|strictly\\s+|fully\\s+)?(?<v>" + DIETS + ")\\b",
                        m -> one("diet", m.group("v").toLowerCase(Locale.ROOT), "User is %s.", 0.9, "diet", false)),
                rule("\\bi\\s+(?:don't|do\\s+not|never|can't|cannot)\\s+eat\\s+(?<v>.+)", this::avoids),
                rule(
                        "\\b" + I_AM + "\\s+(?:severely\\s+|very\\s+|mildly\\s+|highly\\s+)?allergic\\s+to\\s+(?<v>.+)",
                        this::allergies),
                // An allergen of at most eight words, the most a phrase keeps: unbounded, every "i have"
                // of a long clause would read on to its end looking for "allergy".
                rule(
                        "\\bi\\s+have\\s+(?:an?\\s+)?(?:severe\\s+|mild\\s+)?(?<v>[\\p{L}-]++(?: ++[\\p{L}-]++){0,7}?)"
                                + "\\s++allergy\\b",
                        this::allergies));
    }

    private static Rule rule(String regex, Function<Matcher, List<Statement>> meaning) {
        return new Rule(Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE), meaning);
    }

    private List<Statement> name(Matcher m, double confidence) {
        return one("name", m.group("v"), "User's name is %s.", confidence, "identity", true);
    }

    private static List<Statement> one(
            String key, String value, String textFormat, double confidence, String topic, boolean entity) {
        String v = value.strip();
        return List.of(new Statement(
                key, v, textFormat.formatted(v), confidence, List.of(topic), entity ? List.of(v) : List.of()));
    }

    private List<Statement> role(Matcher m) {
        String role = m.group("v").strip();
        String article = "aeiou".indexOf(Character.toLowerCase(role.charAt(0))) >= 0 ? "an" : "a";
        List<Statement> found = new ArrayList<>();
        found.add(new Statement(
                "work.role", role, "User works as %s %s.".formatted(article, role), 0.85, List.of("work"), List.of()));
        if (m.group("org") != null) {
            found.addAll(one("work.employer", m.group("org"), "User works at %s.", 0.85, "work", true));
        }
        return found;
    }

    private List<Statement> sentiment(Matcher m, String value, String verb) {
        return sentiment(m.group("v"), value, verb);
    }

    private List<Statement> sentiment(String object, String value, String verb) {
        String subject = phrase(object);
        if (subject.isEmpty()) {
            return List.of();
        }
        return List.of(new Statement(
                "preference." + slug(subject),
                value,
                "User %s %s.".formatted(verb, subject),
                0.8,
                List.of("preferences"),
                List.of()));
    }

    private List<Statement> avoids(Matcher m) {
        String food = phrase(m.group("v"));
        if (food.isEmpty()) {
            return List.of();
        }
        return List.of(new Statement(
                "diet.avoids." + slug(food),
                food,
                "User does not eat %s.".formatted(food),
                0.85,
                List.of("diet"),
                List.of()));
    }

    private List<Statement> allergies(Matcher m) {
        List<Statement> found = new ArrayList<>();
        for (String item : LIST_BREAK.split(reading.apply(phrase(m.group("v"))))) {
            String allergen = item.strip();
            if (!allergen.isEmpty()) {
                found.add(new Statement(
                        "health.allergy." + slug(allergen),
                        allergen,
                        "User is allergic to %s.".formatted(allergen),
                        0.95,
                        List.of("health", "diet"),
                        List.of(allergen)));
            }
        }
        return found;
    }

    /** The object of a statement, without the reason or aside that may follow it. */
    private String phrase(String raw) {
        String s = before(PHRASE_END, raw.strip());
        s = LEADING_ARTICLE.matcher(reading.apply(s)).replaceFirst("");
        s = TRAILING_PUNCTUATION.matcher(reading.apply(s)).replaceAll("");
        String[] words = SPACES.split(reading.apply(s));
        return words.length > 8 ? String.join(" ", List.of(words).subList(0, 8)) : s;
    }

    /** The text before the first match of {@code end}, or all of it. */
    private String before(Pattern end, String s) {
        Matcher m = end.matcher(reading.apply(s));
        return m.find() ? s.substring(0, m.start()) : s;
    }

    /**
     * A key segment: ASCII lower case letters, digits and underscores, so keys stay stable across
     * phrasings and every learned key can be named in a path ({@code /v1/users/{u}/facts/{key}}).
     * Accents are dropped ("café" is "cafe"); a phrase without one Latin letter or digit is keyed by
     * the derived id of its words instead.
     */
    private String slug(String phrase) {
        String lower = phrase.toLowerCase(Locale.ROOT);
        String s = MARKS.matcher(reading.apply(Normalizer.normalize(lower, Normalizer.Form.NFKD)))
                .replaceAll("");
        s = NOT_A_WORD.matcher(reading.apply(s)).replaceAll("_");
        s = EDGE_UNDERSCORES.matcher(reading.apply(s)).replaceAll("");
        if (s.isEmpty()) {
            return "u" + Ids.derived("rules-key", lower).replace("-", "").substring(0, 16);
        }
        return s.length() > 64 ? s.substring(0, 64) : s;
    }
}
