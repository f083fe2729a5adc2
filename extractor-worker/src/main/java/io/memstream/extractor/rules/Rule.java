package io.memstream.extractor.rules;

import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One pattern over a clause and what a match means. */
record Rule(Pattern pattern, Function<Matcher, List<Statement>> meaning) {

    List<Statement> apply(CharSequence clause) {
        Matcher m = pattern.matcher(clause);
        return m.find() ? meaning.apply(m) : List.of();
    }
}
