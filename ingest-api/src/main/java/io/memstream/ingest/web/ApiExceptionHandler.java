package io.memstream.ingest.web;

import io.lettuce.core.RedisCommandExecutionException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
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

/**
 * Every error at the edge is an RFC 9457 problem whose detail names what is wrong, with field names
 * as the client wrote them (snake_case).
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

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
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, JsonErrors.describe(ex));
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

    /**
     * Redis away or slow is an outage, worth a retry; Redis refusing a command is a fault of ours
     * (requests are validated before anything is sent). Its own words stay in the log.
     */
    @ExceptionHandler(RedisException.class)
    ResponseEntity<ProblemDetail> redisFailed(RedisException ex) {
        if (ex instanceof RedisCommandExecutionException) {
            return unexpected(ex);
        }
        log.warn("working memory store unavailable: {}", ex.toString());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.SERVICE_UNAVAILABLE, "working memory is unavailable right now; try again shortly");
        problem.setTitle("Working memory store unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "5")
                .body(problem);
    }

    /** The database away: an outage, worth a retry. */
    @ExceptionHandler({TransientDataAccessException.class, DataAccessResourceFailureException.class})
    ResponseEntity<ProblemDetail> databaseUnavailable(DataAccessException ex) {
        log.warn("database unavailable: {}", ex.getMostSpecificCause().toString());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.SERVICE_UNAVAILABLE, "the database is unavailable right now; try again shortly");
        problem.setTitle("Database unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "5")
                .body(problem);
    }

    /**
     * Anything else is a fault of ours, never the client's: logged with its stack, answered without
     * it (no class, SQL or Redis text reaches the client).
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception ex) {
        log.error("request failed", ex);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.INTERNAL_SERVER_ERROR, "the request failed on the server; it has been logged");
        problem.setTitle("Internal error");
        return ResponseEntity.internalServerError().body(problem);
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
