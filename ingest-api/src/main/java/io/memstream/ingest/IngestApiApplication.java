package io.memstream.ingest;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
// For work kept off the request path (access counts).
@EnableScheduling
public class IngestApiApplication {

    /**
     * The service reads {@code ingest-api.yml}, not {@code application.yml}, so that the three services
     * can share one classpath (the cross-service tests run them in one JVM).
     */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(IngestApiApplication.class).properties("spring.config.name=ingest-api");
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
