package io.memstream.ingest.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.CollectionType;
import tools.jackson.databind.type.LogicalType;

/**
 * Request bodies are read as written, never guessed at: a number is not a string, 2 is not true, 5.5
 * is not 5, an array inside a list of strings is an error (Jackson 3.1's own reader flattened it and
 * lost its place, reading one memory as two), and a time must be one Postgres can store.
 */
@Configuration(proxyBeanMethods = false)
class StrictJson {

    @Bean
    JsonMapperBuilderCustomizer strictRequestBodies() {
        SimpleModule module = new SimpleModule("memstream-strict-input");
        module.addDeserializer(Instant.class, new TimeDeserializer());
        module.setDeserializerModifier(new ValueDeserializerModifier() {
            @Override
            public ValueDeserializer<?> modifyCollectionDeserializer(
                    DeserializationConfig config,
                    CollectionType type,
                    BeanDescription.Supplier description,
                    ValueDeserializer<?> deserializer) {
                return type.getContentType().getRawClass() == String.class
                                && type.getRawClass().isAssignableFrom(ArrayList.class)
                        ? new StringListDeserializer()
                        : deserializer;
            }
        });
        return builder -> builder.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfig(
                        LogicalType.Textual,
                        c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(
                        LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
                .addModule(module);
    }

    /** A request value that is not what its field takes; the message is the client's to read. */
    static final class InputException extends MismatchedInputException {

        private static final long serialVersionUID = 1L;

        InputException(JsonParser parser, String message) {
            super(parser, message);
        }
    }

    /** A JSON array of strings (a null element stays null, for Bean Validation to name). */
    private static final class StringListDeserializer extends ValueDeserializer<List<String>> {

        @Override
        public List<String> deserialize(JsonParser p, DeserializationContext ctxt) {
            if (!p.isExpectedStartArrayToken()) {
                throw new InputException(p, "must be an array of strings");
            }
            List<String> values = new ArrayList<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == JsonToken.VALUE_STRING) {
                    values.add(p.getString());
                } else if (t == JsonToken.VALUE_NULL) {
                    values.add(null);
                } else {
                    throw new InputException(
                            p, "must be an array of strings (element " + values.size() + " is not one)");
                }
            }
            return values;
        }
    }

    /** ISO-8601 times or dates, or epoch seconds, within {@link Times}' range. */
    private static final class TimeDeserializer extends ValueDeserializer<Instant> {

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) {
            JsonToken t = p.currentToken();
            if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                throw new InputException(p, Times.FORMS);
            }
            try {
                return Times.parse("", ctxt.readTree(p));
            } catch (InvalidFieldException e) {
                throw new InputException(p, e.getMessage().substring(2));
            }
        }
    }
}
