package io.memstream.ingest.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.Host;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors answered outside Spring MVC's handlers are problem details too: Tomcat's own refusals (an
 * encoded slash, a NUL, a request line too long) through its error report valve, and whatever
 * reaches the servlet error page. Neither says more than the status: no class names, no stack.
 */
@Configuration(proxyBeanMethods = false)
class ErrorPages {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
        return factory -> factory.addContextCustomizers(context -> {
            Host host = (Host) context.getParent();
            if (host instanceof StandardHost standard) {
                standard.setErrorReportValveClass(ProblemReportValve.class.getName());
            }
        });
    }

    static String detailFor(int status) {
        return switch (status) {
            case 400 ->
                "the request cannot be read: its path, query or headers are malformed (an encoded"
                        + " slash or backslash, a NUL or an invalid escape, for example)";
            case 404 -> "no such route";
            case 405 -> "this route does not take that method";
            case 413, 414, 431 -> "the request line, headers or body are too large";
            default -> status >= 500 ? "the request failed on the server; it has been logged" : "the request failed";
        };
    }

    /** Tomcat's error page, as problem JSON. */
    public static final class ProblemReportValve extends ErrorReportValve {

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.isCommitted() || !response.setErrorReported()) {
                return;
            }
            HttpStatus known = HttpStatus.resolve(status);
            String body = "{\"type\":\"about:blank\",\"title\":\"" + (known == null ? "Error" : known.getReasonPhrase())
                    + "\",\"status\":" + status + ",\"detail\":\"" + detailFor(status) + "\"}";
            try {
                response.setContentType(Problems.CONTENT_TYPE);
                response.setCharacterEncoding(StandardCharsets.UTF_8.name());
                OutputStream out = response.getOutputStream();
                out.write(body.getBytes(StandardCharsets.UTF_8));
                response.finishResponse();
            } catch (IOException | IllegalStateException e) {
                // The client has gone, or the response was taken already: nothing more to tell it.
            }
        }
    }

    /** The servlet error page (an exception no handler took, a status sent with sendError). */
    @RestController
    static final class ProblemErrorController implements ErrorController {

        @RequestMapping("${server.error.path:/error}")
        ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
            Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
            int status = code instanceof Integer i && i >= 400 ? i : 500;
            HttpStatus known = HttpStatus.resolve(status);
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                    known == null ? HttpStatus.INTERNAL_SERVER_ERROR : known, detailFor(status));
            problem.setTitle(known == null ? "Error" : known.getReasonPhrase());
            return ResponseEntity.status(status)
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(problem);
        }
    }
}
