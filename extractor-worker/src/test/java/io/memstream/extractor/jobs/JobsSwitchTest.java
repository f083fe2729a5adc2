package io.memstream.extractor.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code memstream.jobs.enabled=false} keeps a worker from taking replay jobs; it is on by default. */
class JobsSwitchTest {

    private final ApplicationContextRunner worker =
            new ApplicationContextRunner().withUserConfiguration(ReplayRunner.class);

    @Test
    void aWorkerWithJobsSwitchedOffHasNoReplayRunner() {
        worker.withPropertyValues("memstream.jobs.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ReplayRunner.class));
    }

    @Test
    void jobsAreOnUnlessSwitchedOff() {
        // The runner's collaborators are not in this bare context: failing on them shows it was wanted.
        worker.run(context -> assertThat(context.getStartupFailure())
                .isNotNull()
                .hasMessageContaining("replayRunner")
                .hasRootCauseInstanceOf(NoSuchBeanDefinitionException.class));
        worker.withPropertyValues("memstream.jobs.enabled=true")
                .run(context -> assertThat(context.getStartupFailure())
                        .isNotNull()
                        .hasMessageContaining("replayRunner")
                        .hasRootCauseInstanceOf(NoSuchBeanDefinitionException.class));
    }
}
