package io.memstream.extractor.rules;

import java.util.List;

/**
 * What one rule read from one clause: the fact key and value, a standalone sentence about the user,
 * and how sure the rule is.
 */
record Statement(
        String key, String value, String text, double confidence, List<String> topics, List<String> entities) {}
