/**
 * The benchmark harness: each scenario runs for a bounded time from this process (never inside the
 * services it measures) and reports its figures next to the raw limit of the component beneath.
 */
package io.memstream.bench;
