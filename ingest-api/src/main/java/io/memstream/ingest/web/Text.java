package io.memstream.ingest.web;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Text every stage downstream accepts: Postgres (no NUL), UTF-8 (no unpaired surrogate) and, with
 * {@code visible}, the embedding model, which refuses text that is empty once whitespace and
 * invisible characters (BOM, zero-width spaces, direction marks, combining marks on their own) are
 * gone. Null is valid; combine with {@code @NotNull} where the text is required.
 */
@Documented
@Constraint(validatedBy = TextValidator.class)
@Target({FIELD, METHOD, PARAMETER, TYPE_USE})
@Retention(RUNTIME)
public @interface Text {

    /** The text must show something. */
    boolean visible() default false;

    String message() default "must be text that can be stored";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
