package io.memstream.testkit;

import io.memstream.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/** A minimal HTTP client speaking to ingest-api the way any client would: JSON over HTTP. */
public final class Api {

    /** The status, the Content-Type and the parsed JSON body (a null node when empty). */
    public record Response(int status, String contentType, JsonNode body, java.net.http.HttpHeaders headers) {}

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String apiKey;

    public Api(String baseUrl) {
        this(baseUrl, null);
    }

    private Api(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
    }

    /** The same client, sending {@code Authorization: Bearer <key>} with every request. */
    public Api withKey(String key) {
        return new Api(baseUrl, key);
    }

    public Response post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    public Response put(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    public Response patch(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).DELETE().build());
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build());
    }

    private Response send(HttpRequest unsigned) {
        HttpRequest request = apiKey == null
                ? unsigned
                : HttpRequest.newBuilder(unsigned, (name, value) -> true)
                        .header("Authorization", "Bearer " + apiKey)
                        .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            return new Response(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    body.isEmpty() ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(body),
                    response.headers());
        } catch (IOException e) {
            throw new IllegalStateException("request to " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
