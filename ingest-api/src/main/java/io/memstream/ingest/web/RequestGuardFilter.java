package io.memstream.ingest.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses, before anything else sees them, requests whose path or query could mean one thing to one
 * layer and another thing to the next. The servlet container strips {@code ;} parameters, decodes
 * {@code %} escapes and resolves dot segments before Spring maps a path, so a check on the raw path
 * and the handler's mapped path could disagree ({@code /v1;x=1/...}, {@code /%761/...}), and an id
 * with {@code ;} could name another user. So {@code ;}, backslashes, empty and dot segments are
 * refused outright, and the path is decoded once, here: what it decodes to must be made of the id
 * characters ({@code encodeURIComponent} escapes {@code :} and {@code @}, so escapes themselves are
 * fine), and that decoded path, the one the dispatcher maps, is what {@link #pathOf} gives the API
 * key filter. Query values may not carry control characters (a NUL that {@code "true\0"} hides, or
 * that Postgres refuses).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestGuardFilter extends OncePerRequestFilter {

    // Every route and every id is written with these; the API never needs an escape.
    private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9._:@-]+)*/?");
    private static final Pattern DOT_SEGMENT = Pattern.compile("(^|/)\\.{1,2}(/|$)");

    private static final String PATH = RequestGuardFilter.class.getName() + ".path";

    private final JsonMapper json;

    RequestGuardFilter(JsonMapper json) {
        this.json = json;
    }

    /** The request's path as the dispatcher maps it, decoded and checked. */
    public static String pathOf(HttpServletRequest request) {
        Object path = request.getAttribute(PATH);
        if (path == null) {
            throw new IllegalStateException("the request did not pass RequestGuardFilter");
        }
        return (String) path;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String raw = request.getRequestURI();
        String path = raw.indexOf(';') >= 0 || raw.indexOf('\\') >= 0 ? null : decoded(raw);
        if (path == null
                || !SAFE_PATH.matcher(path).matches()
                || DOT_SEGMENT.matcher(path).find()) {
            reject(
                    response,
                    "the path may contain only letters, digits, '/' and . _ : @ - (escaped or not), and no ';'"
                            + " parameters, empty or dot segments");
            return;
        }
        request.setAttribute(PATH, path);
        String problem = queryProblem(request);
        if (problem != null) {
            reject(response, problem);
            return;
        }
        chain.doFilter(request, response);
    }

    private static String queryProblem(HttpServletRequest request) {
        Map<String, String[]> parameters;
        try {
            parameters = request.getParameterMap();
        } catch (RuntimeException e) {
            // Tomcat's reasons: undecodable escapes or bytes, or more than its 1000 parameters.
            return "the query string cannot be read: it must be UTF-8 with valid %-escapes and at most 1000"
                    + " parameters";
        }
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            if (hasControl(parameter.getKey())) {
                return "query parameter names must not contain control characters";
            }
            for (String value : parameter.getValue()) {
                if (hasControl(value)) {
                    return "query parameter '" + parameter.getKey() + "' must not contain control characters";
                }
            }
        }
        return null;
    }

    /** Percent-decoded as UTF-8, or null if an escape or its bytes are not valid. */
    private static String decoded(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                bytes.write(c);
            } else if (i + 2 < raw.length()
                    && HexFormat.isHexDigit(raw.charAt(i + 1))
                    && HexFormat.isHexDigit(raw.charAt(i + 2))) {
                bytes.write(HexFormat.fromHexDigits(raw, i + 1, i + 3));
                i += 2;
            } else {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    private void reject(HttpServletResponse response, String detail) throws IOException {
        Problems.write(response, json, Problems.of(HttpStatus.BAD_REQUEST, "Malformed request", detail));
    }
}
