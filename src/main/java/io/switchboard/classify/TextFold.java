package io.switchboard.classify;

/**
 * Case folding and word-character rules shared by keyword matching and the regex prefilter.
 *
 * <p>The fold is per UTF-16 unit, so folded text keeps the offsets of the original. It is the same fold that
 * {@link java.util.regex.Pattern} uses for case-insensitive matching ({@code toLowerCase(toUpperCase(c))}), which is
 * what makes it safe to test a regex's literals against folded text: whenever a regex matches a text character
 * against a literal, in any case mode, both fold to the same character.
 */
final class TextFold {

    private static final char[] ASCII = new char[128];

    static {
        for (char c = 0; c < 128; c++) {
            ASCII[c] = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
        }
    }

    private TextFold() {
    }

    static char fold(char c) {
        return c < 128 ? ASCII[c] : Character.toLowerCase(Character.toUpperCase(c));
    }

    static String fold(String s) {
        char[] out = new char[s.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = fold(s.charAt(i));
        }
        return new String(out);
    }

    static boolean isWord(int codePoint) {
        return codePoint == '_' || Character.isLetterOrDigit(codePoint);
    }

    /**
     * Whether the keyword occurrence at {@code [start, end)} stands as a whole word: an edge of the keyword that is a
     * word character must not touch another word character. An edge that is punctuation needs no boundary, so
     * {@code c++} is found in {@code "c++11"} and {@code .net} in {@code "asp.net"}, while {@code plan} is not found
     * in {@code "planet"}.
     */
    static boolean standsAlone(String text, int start, int end, boolean wordAtStart, boolean wordAtEnd) {
        if (wordAtStart && start > 0 && isWord(Character.codePointBefore(text, start))) {
            return false;
        }
        return !(wordAtEnd && end < text.length() && isWord(Character.codePointAt(text, end)));
    }
}
