/**
 * Test support shared by every module's integration tests: one in-JVM KRaft broker per test JVM, and
 * the real PostgreSQL and Redis that {@code scripts/check} starts. A missing component fails the
 * test with a message saying how to start it; nothing is skipped silently.
 */
package io.memstream.testkit;
