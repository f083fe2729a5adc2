package io.memstream.ingest.web;

import io.lettuce.core.RedisException;
import io.memstream.ingest.tenancy.UserErasedException;
import io.memstream.ingest.tenancy.UserNotAllowedException;
import io.memstream.ingest.turns.TurnIdConflictException;
import io.memstream.ingest.turns.TurnsNotPersistedException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BinaryOperator;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;

/**
 * Every error at the edge is an RFC 9457 problem whose detail names what is wrong, with field names
 * as the client wrote them (snake_case).
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final BinaryOperator<String> SEMICOLON = (a, b) -> a + "; " + b;

    @Override
    protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Map<String, String> errors = ex.getBindingResult().getFieldErrors().stream()
                .collect(Collectors.toMap(e -> SnakeCase.path(e.getField()), FieldError::getDefaultMessage, SEMICOLON));
        return invalid(errors, headers);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Map<String, String> errors = new TreeMap<>();
        for (ParameterValidationResult result : ex.getParameterValidationResults()) {
            if (result instanceof ParameterErrors body) {
                // A validated request body: name the field inside it, not the parameter.
                body.getFieldErrors()
                        .forEach(e -> errors.merge(
                                SnakeCase.path(e.getField()), String.valueOf(e.getDefaultMessage()), SEMICOLON));
            } else {
                String name = SnakeCase.path(result.getMethodParameter().getParameterName());
                result.getResolvableErrors()
                        .forEach(e -> errors.merge(name, String.valueOf(e.getDefaultMessage()), SEMICOLON));
            }
        }
        return invalid(errors, headers);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodyLimitFilter.BodyTooLargeException tooLarge) {
                ProblemDetail problem =
                        ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage());
                problem.setTitle("Request body too large");
                return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(problem);
            }
        }
        String detail = "the request body is not valid JSON for this route";
        if (ex.getCause() instanceof StreamReadException unreadable) {
            detail = "malformed JSON: " + unreadable.getOriginalMessage();
        } else if (ex.getCause() instanceof JacksonException jackson) {
            String field = jackson.getPath().stream()
                    .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."))
                    .replace(".[", "[");
            detail = field.isEmpty()
                    ? "malformed JSON: " + jackson.getOriginalMessage()
                    : "field '" + field + "' has the wrong type or format: " + jackson.getOriginalMessage();
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setTitle("Malformed request body");
        return ResponseEntity.badRequest().headers(headers).body(problem);
    }

    @ExceptionHandler(InvalidFieldException.class)
    ResponseEntity<ProblemDetail> invalidField(InvalidFieldException ex) {
        return invalid(Map.of(ex.field(), ex.getMessage().substring(ex.field().length() + 2)), HttpHeaders.EMPTY);
    }

    @ExceptionHandler(TurnsNotPersistedException.class)
    ResponseEntity<ProblemDetail> notPersisted(TurnsNotPersistedException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
        problem.setTitle("Turns not accepted: the event log is unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "5")
                .body(problem);
    }

    @ExceptionHandler(TurnIdConflictException.class)
    ResponseEntity<ProblemDetail> idConflict(TurnIdConflictException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
        problem.setTitle("Message id already in use");
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    @ExceptionHandler(UserErasedException.class)
    ResponseEntity<ProblemDetail> userErased(UserErasedException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.GONE, ex.getMessage());
        problem.setTitle("User erased");
        return ResponseEntity.status(HttpStatus.GONE).body(problem);
    }

    @ExceptionHandler(UserNotAllowedException.class)
    ResponseEntity<ProblemDetail> userNotAllowed(UserNotAllowedException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, ex.getMessage());
        problem.setTitle("Forbidden");
        return ResponseEntity.status(HttpStatus.FORBIDDEN).body(problem);
    }

    @ExceptionHandler(RedisException.class)
    ResponseEntity<ProblemDetail> redisUnavailable(RedisException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.SERVICE_UNAVAILABLE, "working memory is unavailable: " + ex.getMessage());
        problem.setTitle("Working memory store unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "5")
                .body(problem);
    }

    @SuppressWarnings("unchecked")
    private static <T> ResponseEntity<T> invalid(Map<String, String> errors, HttpHeaders headers) {
        List<String> sorted = errors.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue())
                .sorted()
                .toList();
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, String.join("; ", sorted));
        problem.setTitle("Invalid request");
        problem.setProperty("errors", errors);
        return (ResponseEntity<T>) ResponseEntity.badRequest().headers(headers).body(problem);
    }
}
