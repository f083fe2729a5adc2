/** The memory prompt: working memory and relevant long-term memories, assembled for an LLM call. */
package io.memstream.ingest.prompt;
