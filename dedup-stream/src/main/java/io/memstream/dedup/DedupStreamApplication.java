package io.memstream.dedup;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class DedupStreamApplication {

    /**
     * The service reads {@code dedup-stream.yml}, not {@code application.yml}, so that the three services
     * can share one classpath (the cross-service tests run them in one JVM).
     */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(DedupStreamApplication.class).properties("spring.config.name=dedup-stream");
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
