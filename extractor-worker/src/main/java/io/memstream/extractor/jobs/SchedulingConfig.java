package io.memstream.extractor.jobs;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Polls for replay jobs. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class SchedulingConfig {}
