/** The offline, deterministic rule-based extractor used when no LLM is configured. */
package io.memstream.extractor.rules;
