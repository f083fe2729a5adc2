/** Fact extraction by an LLM behind any OpenAI-compatible endpoint, through langchain4j. */
package io.memstream.extractor.llm;
