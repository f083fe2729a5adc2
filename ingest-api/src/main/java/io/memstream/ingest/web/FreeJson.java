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
 * A JSON value the client chooses freely (a fact's value, a session's data, metadata) that every
 * stage can still store and give back: nested at most {@link #MAX_DEPTH} levels (the stored state
 * wraps it in a few more, and every JSON writer downstream refuses past 500), and with strings (keys
 * too) that obey {@link TextRules}. Java null (absent) is valid; {@code allowNull = false} also
 * refuses a JSON {@code null}.
 */
@Documented
@Constraint(validatedBy = FreeJsonValidator.class)
@Target({FIELD, METHOD, PARAMETER, TYPE_USE})
@Retention(RUNTIME)
public @interface FreeJson {

    int MAX_DEPTH = 32;

    boolean allowNull() default true;

    String message() default "must be JSON that can be stored";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
