package io.memstream.ingest.web;

import java.util.regex.Pattern;

/** Field paths in errors as clients write them: {@code turns[0].sessionId} becomes {@code turns[0].session_id}. */
public final class SnakeCase {

    private static final Pattern HUMP = Pattern.compile("([a-z0-9])([A-Z])");

    private SnakeCase() {}

    public static String path(String javaPath) {
        return HUMP.matcher(javaPath).replaceAll("$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
