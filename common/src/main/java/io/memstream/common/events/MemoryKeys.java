package io.memstream.common.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Free-text memories (AMS records without a fact key) still need a key for dedup. With dedup on, the
 * key is the hash of the normalized text, so the same memory stated twice lands on one key within
 * (tenant, user, namespace); with dedup off, the key is the record's own id.
 */
public final class MemoryKeys {

    /** Keys under this prefix are reserved for free-text memories; explicit writes may not use it. */
    public static final String PREFIX = "memory:";

    private MemoryKeys() {}

    public static String forText(String text) {
        return PREFIX + contentHash(text);
    }

    public static String forId(String id) {
        return PREFIX + "id:" + id;
    }

    public static boolean isFreeText(String key) {
        return key.startsWith(PREFIX);
    }

    /** A key made from the text itself, which must follow the text when it is edited. */
    public static boolean isContentKey(String key) {
        return key.startsWith(PREFIX) && !key.startsWith(PREFIX + "id:");
    }

    /** Evidence of a create through the API (the record's id), as opposed to a turn. */
    public static boolean isApiEvidence(String evidence) {
        return evidence.startsWith(PREFIX);
    }

    /** SHA-256 of the text as people mean it: case and runs of whitespace do not matter. */
    public static String contentHash(String text) {
        String normalized = text.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(normalized.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
