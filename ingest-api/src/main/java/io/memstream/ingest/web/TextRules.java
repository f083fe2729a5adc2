package io.memstream.ingest.web;

/** What text every stage accepts, for {@link Text} and for strings inside free JSON. */
public final class TextRules {

    private TextRules() {}

    /** Why the text would be refused downstream, or null if it would not. */
    public static String problem(String value, boolean mustBeVisible) {
        boolean seen = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) {
                return "must not contain NUL characters";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return "must not contain unpaired surrogates (it is not valid Unicode)";
                }
                seen |= isVisible(value.codePointAt(i));
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return "must not contain unpaired surrogates (it is not valid Unicode)";
            } else {
                seen |= isVisible(c);
            }
        }
        if (mustBeVisible && !seen) {
            return value.isEmpty()
                    ? "must not be empty"
                    : "must contain visible characters (it is empty once whitespace and invisible characters are"
                            + " removed)";
        }
        return null;
    }

    /**
     * What a tokenizer keeps: not whitespace, not a control or format character (zero-width space,
     * BOM, word joiner, direction marks), not a combining mark on its own, nor one of the few letters
     * Unicode marks as ignorable (the Hangul fillers).
     */
    static boolean isVisible(int codePoint) {
        if (Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint)) {
            return false;
        }
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL,
                    Character.FORMAT,
                    Character.NON_SPACING_MARK,
                    Character.ENCLOSING_MARK,
                    Character.COMBINING_SPACING_MARK,
                    Character.UNASSIGNED,
                    Character.SURROGATE -> false;
            default -> codePoint != 0x115F && codePoint != 0x1160 && codePoint != 0x3164 && codePoint != 0xFFA0;
        };
    }
}
