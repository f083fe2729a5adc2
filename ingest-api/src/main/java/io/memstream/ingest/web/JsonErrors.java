package io.memstream.ingest.web;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * What is wrong with a body Jackson could not read, in the client's terms: the field as written and
 * the JSON it takes. Jackson's own messages name Java classes and parser internals, which tell a
 * client nothing and tell an attacker too much.
 */
public final class JsonErrors {

    private static final Pattern SOURCE = Pattern.compile("\\s*\\(?start marker at \\[Source:.*|\\s*\\[Source:.*");

    private JsonErrors() {}

    static String describe(HttpMessageNotReadableException ex) {
        return describe(ex.getCause());
    }

    /** Also for JSON read from inside a body (a search inside a prompt request, a memory in a session). */
    public static String describe(Throwable cause) {
        if (cause instanceof StreamConstraintsException) {
            return "the body exceeds what a request may hold (nesting, number or string length)";
        }
        if (cause instanceof StreamReadException unreadable) {
            String where = unreadable.getLocation() == null
                    ? ""
                    : " at line " + unreadable.getLocation().getLineNr() + ", column "
                            + unreadable.getLocation().getColumnNr();
            // The parser's reason, without the source location it appends (which names its settings).
            String why = SOURCE.matcher(String.valueOf(unreadable.getOriginalMessage()))
                    .replaceAll("")
                    .strip();
            return "malformed JSON" + where + (why.isEmpty() || why.contains("`") ? "" : ": " + why);
        }
        if (!(cause instanceof JacksonException jackson)) {
            return "the request body is missing or is not JSON";
        }
        String field = jackson.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        String what = jackson instanceof StrictJson.InputException input
                ? input.getOriginalMessage()
                : jackson instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
                        ? "must be " + jsonTypeOf(mismatch.getTargetType())
                        : "has the wrong type or format";
        return field.isEmpty() ? "the body " + what : "field '" + field + "' " + what;
    }

    private static String jsonTypeOf(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == Instant.class) {
            return "a time (ISO-8601, a date, or epoch seconds)";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (JsonNode.class.isAssignableFrom(type)) {
            return "JSON of another shape";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "of another type";
    }
}
