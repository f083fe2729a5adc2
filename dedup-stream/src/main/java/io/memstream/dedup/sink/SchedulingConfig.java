package io.memstream.dedup.sink;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Runs the embedding backfill. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class SchedulingConfig {}
