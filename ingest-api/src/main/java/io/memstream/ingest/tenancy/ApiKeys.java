package io.memstream.ingest.tenancy;

import io.memstream.ingest.web.Identifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Issues and resolves API keys; only their SHA-256 is stored. */
@Repository
public class ApiKeys {

    private static final SecureRandom RANDOM = new SecureRandom();
    static final String PREFIX = "msk_";

    private final JdbcTemplate jdbc;

    public ApiKeys(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    private static final Pattern ID = Pattern.compile(Identifier.PATTERN);

    /**
     * Creates a key and returns it; this is the only time the key itself exists anywhere. Its tenant
     * and user are ids like any other: a user the API could not name in a path (erasure, facts) must
     * never own a key.
     */
    public String create(String tenant, String userId, String label) {
        requireId("tenant", tenant);
        if (userId != null) {
            requireId("user", userId);
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        jdbc.update(
                "INSERT INTO api_keys (key_hash, tenant_id, user_id, label) VALUES (?, ?, ?, ?)",
                hash(key),
                tenant,
                userId,
                label);
        return key;
    }

    private static void requireId(String what, String id) {
        if (id.isEmpty()
                || id.length() > Identifier.MAX_LENGTH
                || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("the " + what + " '" + id + "' is not an id: " + Identifier.MESSAGE);
        }
    }

    /** One primary-key lookup of the key's hash: the cost does not grow with the number of keys. */
    Optional<Caller> find(String key) {
        return jdbc
                .query(
                        "SELECT tenant_id, user_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
                        (rs, row) -> new Caller(rs.getString(1), rs.getString(2)),
                        (Object) hash(key))
                .stream()
                .findFirst();
    }

    static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
