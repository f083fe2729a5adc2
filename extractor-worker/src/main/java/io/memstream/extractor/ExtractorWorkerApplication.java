package io.memstream.extractor;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class ExtractorWorkerApplication {

    /**
     * The service reads {@code extractor-worker.yml}, not {@code application.yml}, so that the three services
     * can share one classpath (the cross-service tests run them in one JVM).
     */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(ExtractorWorkerApplication.class)
                .properties("spring.config.name=extractor-worker");
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
