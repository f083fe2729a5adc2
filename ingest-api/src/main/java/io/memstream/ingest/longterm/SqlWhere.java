package io.memstream.ingest.longterm;

import java.util.ArrayList;
import java.util.List;

/** Conditions joined by AND, with their arguments in order. */
final class SqlWhere {

    private final List<String> conditions = new ArrayList<>();
    private final List<Object> args = new ArrayList<>();

    SqlWhere and(String condition, Object... values) {
        conditions.add(condition);
        args.addAll(List.of(values));
        return this;
    }

    String sql() {
        return conditions.isEmpty() ? "TRUE" : String.join(" AND ", conditions);
    }

    List<Object> args() {
        return args;
    }
}
