package io.memstream.ingest.facts;

import java.util.List;

record UserFacts(String userId, String namespace, List<FactView> facts) {}
