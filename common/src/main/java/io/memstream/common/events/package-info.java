/** The records that travel between the pipeline's stages. */
package io.memstream.common.events;
