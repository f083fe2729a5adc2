package io.memstream.extractor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class ExtractorWorkerApplication {

    public static void main(String[] args) {
        SpringApplication.run(ExtractorWorkerApplication.class, args);
    }
}
