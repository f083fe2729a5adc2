package io.memstream.extractor.llm;

import java.util.List;

/** One fact as the LLM returns it (the structured-output schema in {@link FactSchema}). */
record ExtractedFact(
        String key,
        String value,
        String text,
        String memoryType,
        List<String> topics,
        List<String> entities,
        String eventDate,
        double confidence,
        List<String> sourceTurnIds) {}
