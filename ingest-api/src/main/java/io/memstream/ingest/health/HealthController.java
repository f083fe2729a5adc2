package io.memstream.ingest.health;

import java.time.Clock;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** AMS clients call this to check the server is there; it answers with the server's clock. */
@RestController
class HealthController {

    private final Clock clock;

    HealthController(Clock clock) {
        this.clock = clock;
    }

    @GetMapping("/v1/health")
    Map<String, Long> health() {
        return Map.of("now", clock.millis());
    }
}
