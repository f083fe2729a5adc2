package io.memstream.dedup;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class DedupStreamApplication {

    public static void main(String[] args) {
        SpringApplication.run(DedupStreamApplication.class, args);
    }
}
