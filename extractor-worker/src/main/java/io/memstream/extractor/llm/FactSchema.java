package io.memstream.extractor.llm;

import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.List;

/** The JSON schema the model must answer in (OpenAI structured outputs, strict: every field required). */
final class FactSchema {

    static final ResponseFormat RESPONSE_FORMAT = ResponseFormat.builder()
            .type(ResponseFormatType.JSON)
            .jsonSchema(JsonSchema.builder()
                    .name("extracted_facts")
                    .rootElement(JsonObjectSchema.builder()
                            .addProperty(
                                    "facts",
                                    JsonArraySchema.builder()
                                            .items(JsonObjectSchema.builder()
                                                    .addStringProperty("key")
                                                    .addStringProperty("value")
                                                    .addStringProperty("text")
                                                    .addEnumProperty("memory_type", List.of("semantic", "episodic"))
                                                    .addProperty("topics", stringArray())
                                                    .addProperty("entities", stringArray())
                                                    .addStringProperty("event_date")
                                                    .addProperty("confidence", new JsonNumberSchema())
                                                    .addProperty("source_turn_ids", stringArray())
                                                    .required(
                                                            "key",
                                                            "value",
                                                            "text",
                                                            "memory_type",
                                                            "topics",
                                                            "entities",
                                                            "event_date",
                                                            "confidence",
                                                            "source_turn_ids")
                                                    .additionalProperties(false)
                                                    .build())
                                            .build())
                            .required("facts")
                            .additionalProperties(false)
                            .build())
                    .build())
            .build();

    private FactSchema() {}

    private static JsonArraySchema stringArray() {
        return JsonArraySchema.builder().items(new JsonStringSchema()).build();
    }
}
