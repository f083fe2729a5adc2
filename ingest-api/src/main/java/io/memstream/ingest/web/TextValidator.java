package io.memstream.ingest.web;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

/** Checks {@link Text}; see {@link TextRules} for what it refuses. */
public final class TextValidator implements ConstraintValidator<Text, String> {

    private boolean visible;

    @Override
    public void initialize(Text annotation) {
        this.visible = annotation.visible();
    }

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
        if (value == null) {
            return true;
        }
        String problem = TextRules.problem(value, visible);
        if (problem == null) {
            return true;
        }
        context.disableDefaultConstraintViolation();
        context.buildConstraintViolationWithTemplate(problem).addConstraintViolation();
        return false;
    }
}
