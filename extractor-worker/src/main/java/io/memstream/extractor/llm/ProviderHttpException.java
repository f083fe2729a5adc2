package io.memstream.extractor.llm;

import dev.langchain4j.exception.HttpException;
import java.time.Duration;
import java.util.Optional;

/** An error answer from the provider, with the wait it asked for (Retry-After), if any. */
final class ProviderHttpException extends HttpException {

    private static final long serialVersionUID = 1L;

    private final transient Duration retryAfter;

    ProviderHttpException(int statusCode, String body, Duration retryAfter) {
        super(statusCode, body);
        this.retryAfter = retryAfter;
    }

    Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The wait the provider asked for, found anywhere in the cause chain of a langchain4j exception. */
    static Optional<Duration> retryAfterOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ProviderHttpException provider) {
                return provider.retryAfter();
            }
        }
        return Optional.empty();
    }
}
