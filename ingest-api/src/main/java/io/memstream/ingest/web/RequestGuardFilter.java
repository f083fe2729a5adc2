package io.memstream.ingest.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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
 * with {@code ;} could name another user. No route or id needs any of these, so they are refused
 * outright; query values may not carry control characters (a NUL that {@code "true\0"} hides, or
 * that Postgres refuses).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestGuardFilter extends OncePerRequestFilter {

    // Every route and every id is written with these; the API never needs an escape.
    private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9._:@-]+)*/?");
    private static final Pattern DOT_SEGMENT = Pattern.compile("(^|/)\\.{1,2}(/|$)");

    private final JsonMapper json;

    RequestGuardFilter(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI();
        if (!SAFE_PATH.matcher(path).matches() || DOT_SEGMENT.matcher(path).find()) {
            reject(
                    response,
                    "the path may contain only letters, digits, '/' and . _ : @ - (no escapes, ';' parameters,"
                            + " empty or dot segments)");
            return;
        }
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

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    private void reject(HttpServletResponse response, String detail) throws IOException {
        Problems.write(response, json, Problems.of(HttpStatus.BAD_REQUEST, "Malformed request", detail));
    }
}
