package io.memstream.ingest.prompt;

/** A message in the shape LLM SDKs take: {@code {"role": r, "content": {"type": "text", "text": t}}}. */
record PromptMessage(String role, Content content) {

    record Content(String type, String text) {}

    static PromptMessage of(String role, String text) {
        return new PromptMessage(role, new Content("text", text));
    }
}
