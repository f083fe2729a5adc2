package io.memstream.ingest.longterm;

import io.memstream.common.embeddings.Embedder;
import io.memstream.common.embeddings.EmbeddingSettings;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class EmbeddingConfig {

    @Bean
    Embedder embedder(Environment environment) {
        EmbeddingSettings settings = Binder.get(environment)
                .bind("memstream.embeddings", EmbeddingSettings.class)
                .orElse(EmbeddingSettings.LOCAL);
        return Embedder.create(settings);
    }
}
