package io.switchboard.observe;

import io.switchboard.config.LoggingConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks the values of secret-bearing headers wherever a rendered log line shows one, as {@code Name: value},
 * {@code name=value} or {@code "name":"value"} (names in any case, '-' and '_' alike), so that neither a careless
 * log statement nor a library's debug output puts a credential in the logs. A value ends at a quote, a comma, a
 * backslash (a JSON escape such as {@code \r\n}), a closing bracket or the end of the line.
 */
public final class HeaderRedaction {

    static final String MASK = "***";

    private final List<String> names;
    /** The last characters of the names, in both cases: most separators follow none and need no further look. */
    private final boolean[] lastChars = new boolean[128];
    private final Pattern pattern;

    private HeaderRedaction(List<String> names) {
        this.names = names;
        List<String> alternatives = new ArrayList<>();
        for (String name : names) {
            char last = name.charAt(name.length() - 1);
            lastChars[Character.toLowerCase(last)] = true;
            lastChars[Character.toUpperCase(last)] = true;
            alternatives.add(String.join("[-_]", Arrays.stream(name.split("[-_]", -1)).map(Pattern::quote).toList()));
        }
        // A name starts a word, or follows a JSON escape such as the \n between two raw header lines.
        this.pattern = Pattern.compile("(?i)(?:(?<![A-Za-z0-9_-])|(?<=\\\\[rnt]))(" + String.join("|", alternatives)
                + ")(?![A-Za-z0-9_-])(\\\\?\"?\\s*[:=]\\s*\\\\?\"?)([^\",\\\\\\r\\n}\\]]+)");
    }

    /** Masks the standard secret headers ({@link LoggingConfig#SECRET_HEADERS}). */
    public static HeaderRedaction standard() {
        return of(List.of());
    }

    /** Masks the standard secret headers and {@code more} (e.g. {@code logging.redact_headers}). */
    public static HeaderRedaction of(Collection<String> more) {
        Set<String> unique = new LinkedHashSet<>();
        List<String> names = new ArrayList<>(LoggingConfig.SECRET_HEADERS);
        names.addAll(more);
        for (String n : names) {
            if (!n.isBlank()) {
                unique.add(n.toLowerCase(Locale.ROOT));
            }
        }
        // Longer names first, so that Proxy-Authorization is not taken for Authorization.
        List<String> sorted = new ArrayList<>(unique);
        sorted.sort((a, b) -> b.length() - a.length());
        return new HeaderRedaction(List.copyOf(sorted));
    }

    /** {@code line} with the value of every secret header in it replaced by {@value #MASK}. */
    public String apply(String line) {
        if (!mayName(line)) {
            return line;
        }
        Matcher m = pattern.matcher(line);
        return m.find() ? m.replaceAll("$1$2" + MASK) : line;
    }

    /**
     * A cheap first look, since most lines name no secret header: is any ':' or '=' preceded (past quotes, escapes
     * and spaces) by one's name?
     */
    private boolean mayName(String line) {
        return nameBeforeAny(line, ':') || nameBeforeAny(line, '=');
    }

    private boolean nameBeforeAny(String line, char separator) {
        // indexOf is vectorised by the JIT: far faster than looking at every character here.
        for (int i = line.indexOf(separator); i >= 0; i = line.indexOf(separator, i + 1)) {
            int end = i;
            while (end > 0 && (line.charAt(end - 1) == '"' || line.charAt(end - 1) == '\\'
                    || line.charAt(end - 1) == ' ')) {
                end--;
            }
            char last = end > 0 ? line.charAt(end - 1) : 0;
            if (last >= 128 || !lastChars[last]) {
                continue;
            }
            for (String name : names) {
                if (namedBefore(line, end, name)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether {@code name} ends at {@code end} in {@code line}, in any case and with '-' and '_' alike. */
    private static boolean namedBefore(String line, int end, String name) {
        int start = end - name.length();
        if (start < 0) {
            return false;
        }
        for (int j = name.length() - 1; j >= 0; j--) {
            char c = Character.toLowerCase(line.charAt(start + j));
            char want = name.charAt(j);
            if (c != want && !((c == '-' || c == '_') && (want == '-' || want == '_'))) {
                return false;
            }
        }
        return true;
    }
}
