package io.memstream.extractor.llm;

/** The model's answer was not the facts schema: never read as "no facts". */
public class MalformedLlmOutputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    MalformedLlmOutputException(String message, Throwable cause) {
        super(message, cause);
    }
}
