/**
 * Text embeddings, shared by the sink that stores them and the API that embeds queries: both sides
 * must use the same model, or distances mean nothing.
 */
package io.memstream.common.embeddings;
