package io.memstream.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Collection;

/** The Memstream API as the bench's clients call it: JSON, with the bench's key when it has one. */
final class ApiClient {

    // HTTP/1.1: what chat backends' clients mostly speak, and no upgrade round trip per connection.
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final BenchConfig config;

    ApiClient(BenchConfig config) {
        this.config = config;
    }

    /** Sends {@code body} (or nothing, if null) and returns the answer, whatever its status. */
    HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(config.api() + path))
                .header("Content-Type", "application/json")
                // A stuck call fails its operation rather than the whole bench hanging on it.
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (config.apiKey() != null) {
            request.header("Authorization", "Bearer " + config.apiKey());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends and insists on {@code status}; anything else is a failed operation, with the API's words. */
    HttpResponse<String> expect(int status, String method, String path, String body) throws Exception {
        HttpResponse<String> response = send(method, path, body);
        if (response.statusCode() != status) {
            throw new IllegalStateException(
                    method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    /**
     * Erases users the bench made up (DELETE /v1/users/{id}): every stage then drops whatever of
     * theirs is still in flight instead of extracting and embedding it, and no bench data stays behind.
     * A failure is printed, not thrown: the figures already measured still count.
     */
    void erase(Collection<String> userIds) {
        for (String user : userIds) {
            try {
                expect(200, "DELETE", "/v1/users/" + user, null);
            } catch (Exception e) {
                System.err.println("bench: could not erase the bench user " + user + ": " + e);
            }
        }
    }

    /** The tenant the API files the bench's requests under: its key's, or the default without one. */
    String tenant() throws Exception {
        if (config.apiKey() == null) {
            return "default";
        }
        // Keys are stored as their SHA-256 only.
        byte[] hash =
                MessageDigest.getInstance("SHA-256").digest(config.apiKey().getBytes(StandardCharsets.UTF_8));
        try (Connection db = config.database();
                PreparedStatement find = db.prepareStatement("SELECT tenant_id FROM api_keys WHERE key_hash = ?")) {
            find.setBytes(1, hash);
            try (ResultSet rs = find.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("the bench's API key is not in this database's api_keys");
                }
                return rs.getString(1);
            }
        }
    }
}
