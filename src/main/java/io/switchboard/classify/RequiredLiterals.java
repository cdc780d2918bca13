package io.switchboard.classify;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds, for a Java regular expression, a set of folded literals such that every match of the expression contains
 * at least one of them. The classifier runs an expression only when one of its literals occurs in the folded text.
 *
 * <p>Correctness matters more than reach: any construct this parser does not fully understand makes it give up
 * (the expression then always runs). Only ASCII characters become literal text, because for them the per-character
 * fold in {@link TextFold} agrees with every case mode of {@link java.util.regex.Pattern}; flags other than
 * {@code x} therefore need no tracking, and {@code x} (comments mode) makes the parser give up.
 */
final class RequiredLiterals {

    private static final int MAX_SET = 32;

    /** What a regex is known to need. */
    record Prefilter(Set<String> literals, int maxLength) {

        /** Whether every match is at most {@link #maxLength} UTF-16 units long. */
        boolean bounded() {
            return maxLength >= 0;
        }
    }

    /**
     * A node's match language: the exact folded strings it can match (or null), its required literals (or null), and
     * the longest text it can match in UTF-16 units (-1 when unbounded or unknown).
     */
    private record Info(Set<String> exact, Set<String> required, int max) {

        /** One code point of unknown identity: at most two UTF-16 units. */
        static final Info ANY_CHAR = new Info(null, null, 2);
        static final Info UNBOUNDED = new Info(null, null, -1);
        static final Info EMPTY = new Info(Set.of(""), null, 0);

        static Info exactly(Set<String> exact) {
            return new Info(exact, usable(exact) ? exact : null, 2);
        }
    }

    private static final class GiveUp extends RuntimeException {
        GiveUp() {
            super(null, null, false, false);
        }
    }

    private final String regex;
    private int pos;

    private RequiredLiterals(String regex) {
        this.regex = regex;
    }

    /** The prefilter of a valid regex, or null when no required literal can be proven. */
    static Prefilter of(String regex) {
        try {
            RequiredLiterals parser = new RequiredLiterals(unquote(regex));
            Info info = parser.alternation();
            if (parser.pos != parser.regex.length() || info.required() == null) {
                return null;
            }
            return new Prefilter(Set.copyOf(info.required()), info.max());
        } catch (GiveUp | IndexOutOfBoundsException e) {
            return null;
        }
    }

    /** Rewrites {@code \Q...\E} as escaped characters, as Pattern itself does before parsing. */
    private static String unquote(String regex) {
        if (!regex.contains("\\Q")) {
            return regex;
        }
        StringBuilder out = new StringBuilder(regex.length() + 16);
        int i = 0;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            if (c != '\\' || i + 1 >= regex.length()) {
                out.append(c);
                i++;
            } else if (regex.charAt(i + 1) != 'Q') {
                out.append(c).append(regex.charAt(i + 1));
                i += 2;
            } else {
                int end = regex.indexOf("\\E", i + 2);
                int stop = end < 0 ? regex.length() : end;
                for (int k = i + 2; k < stop; k++) {
                    char q = regex.charAt(k);
                    boolean plain = q >= 128 || Character.isLetterOrDigit(q);
                    out.append(plain ? "" : "\\").append(q);
                }
                i = end < 0 ? stop : end + 2;
            }
        }
        return out.toString();
    }

    private Info alternation() {
        Set<String> exact = new LinkedHashSet<>();
        Set<String> required = new LinkedHashSet<>();
        boolean exactKnown = true;
        boolean requiredKnown = true;
        int max = 0;
        while (true) {
            Info branch = concatenation();
            max = max < 0 || branch.max() < 0 ? -1 : Math.max(max, branch.max());
            if (exactKnown && branch.exact() != null && exact.size() + branch.exact().size() <= MAX_SET) {
                exact.addAll(branch.exact());
            } else {
                exactKnown = false;
            }
            if (requiredKnown && branch.required() != null && required.size() + branch.required().size() <= MAX_SET) {
                required.addAll(branch.required());
            } else {
                requiredKnown = false;
            }
            if (pos < regex.length() && regex.charAt(pos) == '|') {
                pos++;
            } else {
                break;
            }
        }
        return new Info(exactKnown ? exact : null,
                better(requiredKnown ? required : null, exactKnown ? exact : null), max);
    }

    private Info concatenation() {
        Set<String> run = Set.of("");
        boolean whollyExact = true;
        Set<String> best = null;
        int max = 0;
        while (pos < regex.length() && regex.charAt(pos) != '|' && regex.charAt(pos) != ')') {
            Info item = quantified();
            max = max < 0 || item.max() < 0 ? -1 : saturate((long) max + item.max());
            best = better(best, item.required());
            if (item.exact() == null) {
                best = better(best, run);
                run = Set.of("");
                whollyExact = false;
                continue;
            }
            Set<String> product = product(run, item.exact());
            if (product == null) {
                best = better(best, run);
                run = item.exact();
                whollyExact = false;
            } else {
                run = product;
            }
        }
        best = better(best, run);
        return new Info(whollyExact ? run : null, best, max);
    }

    private Info quantified() {
        Info atom = atom();
        if (pos >= regex.length()) {
            return atom;
        }
        int min;
        int max;
        char c = regex.charAt(pos);
        switch (c) {
            case '*' -> { min = 0; max = -1; pos++; }
            case '+' -> { min = 1; max = -1; pos++; }
            case '?' -> { min = 0; max = 1; pos++; }
            case '{' -> {
                pos++;
                min = number();
                max = min;
                if (regex.charAt(pos) == ',') {
                    pos++;
                    max = regex.charAt(pos) == '}' ? -1 : number();
                }
                expect('}');
            }
            default -> { return atom; }
        }
        if (pos < regex.length() && (regex.charAt(pos) == '?' || regex.charAt(pos) == '+')) {
            pos++;
        }
        if (pos < regex.length() && "*+?{".indexOf(regex.charAt(pos)) >= 0) {
            throw new GiveUp();
        }
        int longest = max < 0 || atom.max() < 0 ? -1 : saturate((long) max * atom.max());
        if (min == 0) {
            return new Info(null, null, longest);
        }
        return min == 1 && max == 1 ? atom : new Info(null, atom.required(), longest);
    }

    private Info atom() {
        char c = regex.charAt(pos++);
        return switch (c) {
            case '(' -> group();
            case '[' -> characterClass();
            case '\\' -> escape();
            case '.' -> Info.ANY_CHAR;
            case '^', '$' -> Info.EMPTY;
            case '*', '+', '?', '{', '}', ']', ')', '|' -> throw new GiveUp();
            default -> literal(c);
        };
    }

    private Info group() {
        if (regex.charAt(pos) != '?') {
            return groupBody();
        }
        pos++;
        char c = regex.charAt(pos++);
        switch (c) {
            case ':', '>' -> {
                return groupBody();
            }
            case '=', '!' -> {
                groupBody();
                return Info.EMPTY;
            }
            case '<' -> {
                char d = regex.charAt(pos);
                if (d == '=' || d == '!') {
                    pos++;
                    groupBody();
                    return Info.EMPTY;
                }
                while (Character.isLetterOrDigit(regex.charAt(pos)) && regex.charAt(pos) < 128) {
                    pos++;
                }
                expect('>');
                return groupBody();
            }
            default -> {
                pos--;
                while ("idmsuU-".indexOf(regex.charAt(pos)) >= 0) {
                    pos++;
                }
                char end = regex.charAt(pos++);
                if (end == ')') {
                    return Info.EMPTY;
                }
                if (end != ':') {
                    throw new GiveUp();
                }
                return groupBody();
            }
        }
    }

    private Info groupBody() {
        Info inner = alternation();
        expect(')');
        return inner;
    }

    private Info escape() {
        char c = regex.charAt(pos++);
        if ("dDwWsShHvVRtnrfae".indexOf(c) >= 0) {
            return Info.ANY_CHAR;
        }
        if (c == 'X') {
            return Info.UNBOUNDED;
        }
        // \G is left out on purpose: it depends on where a search starts, and the classifier starts searches late.
        if ("BAzZ".indexOf(c) >= 0) {
            return Info.EMPTY;
        }
        if (c == 'b') {
            if (pos < regex.length() && regex.charAt(pos) == '{') {
                throw new GiveUp();
            }
            return Info.EMPTY;
        }
        if (c >= '1' && c <= '9') {
            while (pos < regex.length() && Character.isDigit(regex.charAt(pos))) {
                pos++;
            }
            return Info.UNBOUNDED;
        }
        if (c < 128 && !Character.isLetterOrDigit(c)) {
            return literal(c);
        }
        throw new GiveUp();
    }

    /** A class becomes a small exact set when it lists a few ASCII characters; anything richer is just "some char". */
    private Info characterClass() {
        boolean enumerable = true;
        if (regex.charAt(pos) == '^') {
            enumerable = false;
            pos++;
        }
        if (regex.charAt(pos) == ']') {
            throw new GiveUp();
        }
        Set<String> members = new LinkedHashSet<>();
        while (true) {
            char c = regex.charAt(pos++);
            if (c == ']') {
                break;
            }
            if (c == '[' || (c == '&' && regex.charAt(pos) == '&')) {
                throw new GiveUp();
            }
            if (c == '\\') {
                char e = regex.charAt(pos++);
                if ("dDwWsShHvV".indexOf(e) >= 0) {
                    enumerable = false;
                    continue;
                }
                if (e >= 128 || Character.isLetterOrDigit(e)) {
                    throw new GiveUp();
                }
                c = e;
            }
            if (regex.charAt(pos) == '-' && regex.charAt(pos + 1) != ']') {
                pos++;
                char to = regex.charAt(pos++);
                if (to == '[' || (to == '\\' && (regex.charAt(pos) >= 128 || Character.isLetterOrDigit(regex.charAt(pos))))) {
                    throw new GiveUp();
                }
                if (to == '\\') {
                    pos++;
                }
                enumerable = false;
                continue;
            }
            if (c >= 128) {
                enumerable = false;
            } else {
                members.add(String.valueOf(TextFold.fold(c)));
            }
        }
        return enumerable && !members.isEmpty() && members.size() <= 8 ? Info.exactly(members) : Info.ANY_CHAR;
    }

    private static Info literal(char c) {
        return c < 128 ? Info.exactly(Set.of(String.valueOf(TextFold.fold(c)))) : Info.ANY_CHAR;
    }

    private int number() {
        int start = pos;
        while (Character.isDigit(regex.charAt(pos)) && regex.charAt(pos) < 128) {
            pos++;
        }
        if (pos == start || pos - start > 9) {
            throw new GiveUp();
        }
        return Integer.parseInt(regex, start, pos, 10);
    }

    private void expect(char c) {
        if (regex.charAt(pos++) != c) {
            throw new GiveUp();
        }
    }

    private static int saturate(long length) {
        return length > 1_000_000 ? -1 : (int) length;
    }

    private static Set<String> product(Set<String> left, Set<String> right) {
        if ((long) left.size() * right.size() > MAX_SET) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String l : left) {
            for (String r : right) {
                out.add(l + r);
            }
        }
        return out;
    }

    private static boolean usable(Set<String> literals) {
        return literals != null && !literals.isEmpty() && !literals.contains("");
    }

    /** Prefers the set whose shortest literal is longest (fewer false candidates), then the smaller set. */
    private static Set<String> better(Set<String> current, Set<String> candidate) {
        if (!usable(candidate)) {
            return current;
        }
        if (current == null) {
            return candidate;
        }
        int a = shortest(current);
        int b = shortest(candidate);
        return b > a || (b == a && candidate.size() < current.size()) ? candidate : current;
    }

    private static int shortest(Set<String> literals) {
        int min = Integer.MAX_VALUE;
        for (String s : literals) {
            min = Math.min(min, s.length());
        }
        return min;
    }

    /** For tests and diagnostics: the literals sorted, or an empty list when the regex always runs. */
    static List<String> describe(String regex) {
        Prefilter prefilter = of(regex);
        return prefilter == null ? List.of() : prefilter.literals().stream().sorted().toList();
    }
}
