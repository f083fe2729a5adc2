package io.memstream.ingest.tenancy;

import io.memstream.ingest.web.Problems;
import io.memstream.ingest.web.RequestGuardFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Binds every request but the health checks to the tenant of its {@code Authorization: Bearer} key;
 * the tenant never comes from the request itself. It decides on the path the dispatcher maps, as
 * {@link RequestGuardFilter} (before it) decoded and checked it. Unknown paths need a key too, so a route added later is
 * never open by accident, and so do the actuator's endpoints other than health, which a key bound
 * to one user never reads.
 */
@Component
class ApiKeyFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyFilter.class);

    private record Cached(Caller caller, Instant until) {}

    private final ApiKeys keys;
    private final AuthSettings settings;
    private final JsonMapper json;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    ApiKeyFilter(ApiKeys keys, AuthSettings settings, JsonMapper json) {
        this.keys = keys;
        this.settings = settings;
        this.json = json;
        if (!settings.enabled()) {
            log.warn(
                    "\n*****************************************************************\n"
                            + "* AUTH IS DISABLED (memstream.auth.enabled=false): every request *\n"
                            + "* acts for tenant '{}'. Never run like this outside development. *\n"
                            + "*****************************************************************",
                    settings.devTenant());
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = RequestGuardFilter.pathOf(request);
        return path.equals("/v1/health") || path.equals("/actuator/health") || path.startsWith("/actuator/health/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!settings.enabled()) {
            request.setAttribute(TenantResolver.ATTRIBUTE, new Caller(settings.devTenant(), null));
            chain.doFilter(request, response);
            return;
        }
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            reject(response, HttpStatus.UNAUTHORIZED, "an API key is required: send 'Authorization: Bearer <key>'");
            return;
        }
        Optional<Caller> caller;
        try {
            caller = resolve(header.substring(7).strip());
        } catch (DataAccessException e) {
            log.warn("API keys cannot be checked: {}", e.getMessage());
            reject(response, HttpStatus.SERVICE_UNAVAILABLE, "API keys cannot be checked right now; try again shortly");
            return;
        }
        if (caller.isEmpty()) {
            reject(response, HttpStatus.UNAUTHORIZED, "the API key is not valid (unknown or revoked)");
            return;
        }
        // The actuator describes the whole process, every tenant's traffic in it: an operator's view,
        // never an end user's.
        if (caller.get().boundUserId() != null
                && RequestGuardFilter.pathOf(request).startsWith("/actuator")) {
            reject(response, HttpStatus.FORBIDDEN, "an API key bound to a user cannot read the service's actuator");
            return;
        }
        request.setAttribute(TenantResolver.ATTRIBUTE, caller.get());
        chain.doFilter(request, response);
    }

    /**
     * Valid keys are cached by their hash (the key itself is never kept) for the configured TTL, which
     * is how long a revoked key may still work. Unknown keys are not cached, so guessing cannot fill
     * the cache and push valid keys out.
     */
    private Optional<Caller> resolve(String key) {
        if (!key.startsWith(ApiKeys.PREFIX)) {
            return Optional.empty();
        }
        Instant now = Instant.now();
        String hash = HexFormat.of().formatHex(ApiKeys.hash(key));
        Cached hit = cache.get(hash);
        if (hit != null && hit.until().isAfter(now)) {
            return Optional.of(hit.caller());
        }
        Optional<Caller> found = keys.find(key);
        found.ifPresent(caller -> {
            if (cache.size() > 10_000) {
                cache.clear();
            }
            cache.put(hash, new Cached(caller, now.plus(settings.cacheTtl())));
        });
        return found;
    }

    private void reject(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        Problems.write(
                response,
                json,
                Problems.of(
                        status, status == HttpStatus.UNAUTHORIZED ? "Unauthorized" : status.getReasonPhrase(), detail));
    }
}
