package io.memstream.ingest.web;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Checks {@link FreeJson}. */
public final class FreeJsonValidator implements ConstraintValidator<FreeJson, JsonNode> {

    private boolean allowNull;

    @Override
    public void initialize(FreeJson annotation) {
        this.allowNull = annotation.allowNull();
    }

    @Override
    public boolean isValid(JsonNode value, ConstraintValidatorContext context) {
        if (value == null) {
            return true;
        }
        String problem = !allowNull && value.isNull() ? "must not be null" : problem(value, 1);
        if (problem == null) {
            return true;
        }
        context.disableDefaultConstraintViolation();
        context.buildConstraintViolationWithTemplate(problem).addConstraintViolation();
        return false;
    }

    /** Why this value could not be stored downstream, or null if it could. */
    public static String problem(JsonNode node) {
        return problem(node, 1);
    }

    private static String problem(JsonNode node, int depth) {
        if (depth > FreeJson.MAX_DEPTH) {
            return "must not be nested more than " + FreeJson.MAX_DEPTH + " levels deep";
        }
        if (node.isString()) {
            return TextRules.problem(node.asString(), false);
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String problem = TextRules.problem(field.getKey(), false);
                if (problem == null) {
                    problem = problem(field.getValue(), depth + 1);
                }
                if (problem != null) {
                    return problem;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                String problem = problem(element, depth + 1);
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }
}
