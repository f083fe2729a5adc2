package io.memstream.ingest.tenancy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
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

    /** Creates a key and returns it; this is the only time the key itself exists anywhere. */
    public String create(String tenant, String userId, String label) {
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
