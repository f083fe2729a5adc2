package io.memstream.extractor.llm;

import java.util.List;

record ExtractedFacts(List<ExtractedFact> facts) {}
