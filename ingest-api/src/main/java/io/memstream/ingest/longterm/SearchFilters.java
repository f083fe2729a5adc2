package io.memstream.ingest.longterm;

import io.memstream.ingest.web.FreeJsonValidator;
import io.memstream.ingest.web.InvalidFieldException;
import io.memstream.ingest.web.Times;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The AMS filters as SQL over the {@code long_term_memories} view (alias {@code m}). Tag filters are
 * {@code {"eq"|"ne": v}}, {@code {"any"|"all": [..]}} or {@code {"startswith": v}}; on a list column
 * (topics, entities) {@code all} means every value is present, not any of them as in AMS. Time
 * filters are {@code {"gt"|"gte"|"lt"|"lte"|"eq"|"ne": t}} or {@code {"between": [a, b]}} (inclusive),
 * with ISO-8601 times, dates or epoch seconds.
 */
final class SearchFilters {

    private static final Map<String, String> COMPARISONS =
            Map.of("gt", ">", "gte", ">=", "lt", "<", "lte", "<=", "eq", "=", "ne", "<>");

    private SearchFilters() {}

    /** Filter values go to Postgres as parameters: text it refuses (a NUL) is a 400, not a 500. */
    static void requireStorable(SearchRequest r) {
        Map<String, JsonNode> filters = new LinkedHashMap<>();
        filters.put("session_id", r.sessionId());
        filters.put("namespace", r.namespace());
        filters.put("user_id", r.userId());
        filters.put("memory_type", r.memoryType());
        filters.put("extraction_strategy", r.extractionStrategy());
        filters.put("topics", r.topics());
        filters.put("entities", r.entities());
        filters.put("created_at", r.createdAt());
        filters.put("last_accessed", r.lastAccessed());
        filters.put("event_date", r.eventDate());
        filters.forEach((field, filter) -> {
            String problem = filter == null ? null : FreeJsonValidator.problem(filter);
            if (problem != null) {
                throw new InvalidFieldException(field, problem);
            }
        });
    }

    static void apply(SearchRequest r, SqlWhere where) {
        scalarTag("session_id", r.sessionId(), where);
        scalarTag("namespace", r.namespace(), where);
        scalarTag("user_id", r.userId(), where);
        scalarTag("memory_type", r.memoryType(), where);
        scalarTag("extraction_strategy", r.extractionStrategy(), where);
        listTag("topics", r.topics(), where);
        listTag("entities", r.entities(), where);
        time("created_at", r.createdAt(), where, false);
        time("last_accessed", r.lastAccessed(), where, false);
        time("event_date", r.eventDate(), where, true);
    }

    /** The value of {@code {"eq": v}}, or null when the filter is absent or of another form. */
    static String equalsValue(JsonNode filter) {
        return filter != null
                        && filter.isObject()
                        && filter.size() == 1
                        && filter.path("eq").isString()
                ? filter.get("eq").asString()
                : null;
    }

    private static void scalarTag(String column, JsonNode filter, SqlWhere where) {
        if (filter == null || filter.isNull()) {
            return;
        }
        String op = operator(column, filter, "eq, ne, any, all or startswith");
        JsonNode value = filter.get(op);
        String c = "m." + column;
        switch (op) {
            case "eq" -> where.and(c + " = ?", string(column, op, value));
            case "ne" -> where.and(c + " IS DISTINCT FROM ?", string(column, op, value));
            case "any" -> where.and(c + " = ANY(?::text[])", (Object) strings(column, op, value));
            case "all" -> where.and(c + " = ALL(?::text[])", (Object) strings(column, op, value));
            case "startswith" -> where.and(c + " LIKE ? ESCAPE '\\'", likePrefix(string(column, op, value)));
            default -> throw unknown(column, op, "eq, ne, any, all or startswith");
        }
    }

    private static void listTag(String column, JsonNode filter, SqlWhere where) {
        if (filter == null || filter.isNull()) {
            return;
        }
        String op = operator(column, filter, "eq, ne, any, all or startswith");
        JsonNode value = filter.get(op);
        String c = "m." + column;
        switch (op) {
            case "eq" -> where.and("? = ANY(" + c + ")", string(column, op, value));
            case "ne" -> where.and("NOT (? = ANY(" + c + "))", string(column, op, value));
            case "any" -> where.and(c + " && ?::text[]", (Object) strings(column, op, value));
            case "all" -> where.and(c + " @> ?::text[]", (Object) strings(column, op, value));
            case "startswith" ->
                where.and(
                        "EXISTS (SELECT 1 FROM unnest(" + c + ") v WHERE v LIKE ? ESCAPE '\\')",
                        likePrefix(string(column, op, value)));
            default -> throw unknown(column, op, "eq, ne, any, all or startswith");
        }
    }

    private static void time(String column, JsonNode filter, SqlWhere where, boolean dateColumn) {
        if (filter == null || filter.isNull()) {
            return;
        }
        String op = operator(column, filter, "gt, gte, lt, lte, eq, ne or between");
        JsonNode value = filter.get(op);
        String c = "m." + column;
        if (op.equals("between")) {
            if (!value.isArray() || value.size() != 2) {
                throw new InvalidFieldException(column, "between takes a list of two times, [from, to]");
            }
            where.and(
                    c + " BETWEEN ? AND ?",
                    bound(column, value.get(0), dateColumn),
                    bound(column, value.get(1), dateColumn));
            return;
        }
        String sql = COMPARISONS.get(op);
        if (sql == null) {
            throw unknown(column, op, "gt, gte, lt, lte, eq, ne or between");
        }
        where.and(c + " " + sql + " ?", bound(column, value, dateColumn));
    }

    private static String operator(String column, JsonNode filter, String expected) {
        if (!filter.isObject() || filter.size() != 1) {
            throw new InvalidFieldException(
                    column, "must be an object with exactly one operator (" + expected + "), e.g. {\"eq\": ...}");
        }
        return filter.propertyNames().iterator().next();
    }

    private static InvalidFieldException unknown(String column, String op, String expected) {
        return new InvalidFieldException(column, "unknown operator '" + op + "'; use " + expected);
    }

    private static String string(String column, String op, JsonNode value) {
        if (value == null || !value.isString()) {
            throw new InvalidFieldException(column, op + " takes a string");
        }
        return checked(column, value.asString());
    }

    /** Postgres text cannot hold NUL; a value that long matches nothing anyway. */
    private static String checked(String column, String value) {
        if (value.indexOf('\0') >= 0 || value.length() > 1_000) {
            throw new InvalidFieldException(column, "values must be at most 1000 characters, without NUL characters");
        }
        return value;
    }

    private static String[] strings(String column, String op, JsonNode value) {
        if (value == null || !value.isArray() || value.isEmpty()) {
            throw new InvalidFieldException(column, op + " takes a non-empty list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode v : value) {
            if (!v.isString()) {
                throw new InvalidFieldException(column, op + " takes a non-empty list of strings");
            }
            out.add(checked(column, v.asString()));
        }
        return out.toArray(String[]::new);
    }

    private static String likePrefix(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private static Object bound(String column, JsonNode value, boolean dateColumn) {
        Instant instant = Times.parse(column, value);
        return dateColumn ? Date.valueOf(LocalDate.ofInstant(instant, ZoneOffset.UTC)) : Timestamp.from(instant);
    }
}
