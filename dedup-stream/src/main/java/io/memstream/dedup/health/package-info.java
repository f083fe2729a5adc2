/** Health of the Streams topology, for scripts/up and orchestrators. */
package io.memstream.dedup.health;
