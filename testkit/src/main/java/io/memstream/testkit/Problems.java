package io.memstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

/** Every error at the edge is RFC 9457 problem JSON whose detail says what is wrong. */
public final class Problems {

    private Problems() {}

    public static void assertProblem(Api.Response response, int status, String mentioned) {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().get("status").asInt()).isEqualTo(status);
        assertThat(response.body().get("detail").asString()).contains(mentioned);
    }
}
