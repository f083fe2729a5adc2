package io.memstream.ingest.web;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * The one character set of every id a client chooses (session, user, namespace, message, memory,
 * job): what can stand in a URL path unencoded and mean the same to every layer. Nothing a servlet
 * container strips ({@code ;}), decodes ({@code %}) or normalizes ({@code /}, {@code \}, a segment of
 * dots) can be part of one. Empty is allowed (an absent optional id); combine with {@code @NotBlank}
 * where the id is required.
 */
@Documented
@Constraint(validatedBy = {})
@Target({FIELD, METHOD, PARAMETER, TYPE_USE})
@Retention(RUNTIME)
@ReportAsSingleViolation
@Size(max = Identifier.MAX_LENGTH)
@Pattern(regexp = Identifier.PATTERN)
public @interface Identifier {

    int MAX_LENGTH = 256;
    String PATTERN = "(?!\\.+$)[A-Za-z0-9._:@-]*";
    String MESSAGE = "must be at most 256 letters, digits or . _ : @ - (and not only dots)";

    String message() default MESSAGE;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
