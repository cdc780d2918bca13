package io.switchboard.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Spots the shapes of regular expressions that backtrack catastrophically, so configuration can refuse them at load:
 * a repetition that can run more than twice over a part that can itself match a run of the same characters in more
 * than one way ({@code (a+)+}, {@code (a*)*}, {@code (\w+\s*)*}, {@code (.*a){20}}), or over alternatives that can
 * match the same text ({@code (a|a)*}, {@code (\w|\d)+}, {@code (.|\s)*}). On text that almost matches, a
 * backtracking engine tries exponentially many ways (polynomially many for a bounded repeat) before it gives up.
 *
 * <p>A heuristic over character sets, not a proof: it errs towards passing, gives up on constructs it does not model
 * (comments mode), and the classifier bounds every search at run time anyway. Possessive quantifiers and atomic
 * groups do not backtrack into what they matched, so they are never the repetition or the part flagged.
 */
final class BacktrackingCheck {

    /** A repetition that may run at least this often has its body checked; twice is only quadratic. */
    private static final int REPEATS = 3;
    /** Per-position character sets are tracked for parts up to this long. */
    private static final int MAX_FIXED = 16;
    private static final int MAX_DEPTH = 200;

    /** Thrown to stop at the first risky repetition; carries the reason. */
    private static final class Found extends RuntimeException {
        Found(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Thrown on anything the check does not model: the regex then passes. */
    private static final class GiveUp extends RuntimeException {
        GiveUp() {
            super(null, null, false, false);
        }
    }

    /**
     * What a part of a regex can match.
     *
     * @param nullable  it can match the empty string
     * @param chars     every character it can consume
     * @param loop      the characters of a run it can match in more than one way, or null
     * @param fixed     the set at each position when it always matches exactly that many characters, else null
     * @param ambiguous it holds alternatives that can match the same text
     */
    private record Shape(boolean nullable, Chars chars, Chars loop, List<Chars> fixed, boolean ambiguous) {

        static final Shape EMPTY = new Shape(true, Chars.NONE, null, List.of(), false);

        static Shape single(Chars c) {
            return new Shape(false, c, null, List.of(c), false);
        }

        static Shape variable(boolean nullable, Chars c) {
            return new Shape(nullable, c, null, null, false);
        }
    }

    private final String regex;
    private int pos;
    private int depth;
    private boolean ignoreCase;

    private BacktrackingCheck(String regex) {
        this.regex = regex;
    }

    /**
     * Why {@code regex} (which {@link java.util.regex.Pattern} accepts) may backtrack catastrophically, naming the
     * repetition at fault, or null when no such shape was found.
     */
    static String problem(String regex) {
        BacktrackingCheck check = new BacktrackingCheck(regex);
        try {
            check.alternation();
            return null;
        } catch (Found f) {
            return f.getMessage();
        } catch (GiveUp | IndexOutOfBoundsException | NumberFormatException e) {
            return null;
        }
    }

    private boolean more() {
        return pos < regex.length();
    }

    private char peek() {
        return regex.charAt(pos);
    }

    private Shape alternation() {
        List<Shape> branches = new ArrayList<>();
        branches.add(sequence());
        while (more() && peek() == '|') {
            pos++;
            branches.add(sequence());
        }
        if (branches.size() == 1) {
            return branches.getFirst();
        }
        boolean nullable = false;
        boolean ambiguous = false;
        boolean allSingle = true;
        Chars chars = Chars.NONE;
        Chars loop = null;
        for (int i = 0; i < branches.size(); i++) {
            Shape b = branches.get(i);
            nullable |= b.nullable();
            ambiguous |= b.ambiguous();
            chars = chars.union(b.chars());
            loop = b.loop() == null ? loop : loop == null ? b.loop() : loop.union(b.loop());
            allSingle &= b.fixed() != null && b.fixed().size() == 1;
            for (int j = 0; j < i && !ambiguous; j++) {
                ambiguous = overlap(branches.get(j).fixed(), b.fixed());
            }
        }
        return new Shape(nullable, chars, loop, allSingle ? List.of(chars) : null, ambiguous);
    }

    /** Whether two fixed-length alternatives can match the same text, or one can match repeats of the other. */
    private static boolean overlap(List<Chars> a, List<Chars> b) {
        if (a == null || b == null || a.isEmpty() || b.isEmpty()) {
            return false;
        }
        if (a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                if (!a.get(i).intersects(b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        List<Chars> shorter = a.size() < b.size() ? a : b;
        List<Chars> longer = shorter == a ? b : a;
        if (shorter.size() != 1) {
            return false;
        }
        for (Chars c : longer) {
            if (!c.intersects(shorter.getFirst())) {
                return false;
            }
        }
        return true;
    }

    private Shape sequence() {
        List<Shape> items = new ArrayList<>();
        while (more() && peek() != '|' && peek() != ')') {
            items.add(quantified());
        }
        if (items.size() == 1) {
            return items.getFirst();
        }
        boolean nullable = true;
        boolean ambiguous = false;
        Chars chars = Chars.NONE;
        List<Chars> fixed = new ArrayList<>();
        for (Shape item : items) {
            nullable &= item.nullable();
            ambiguous |= item.ambiguous();
            chars = chars.union(item.chars());
            if (fixed != null && item.fixed() != null && fixed.size() + item.fixed().size() <= MAX_FIXED) {
                fixed.addAll(item.fixed());
            } else {
                fixed = null;
            }
        }
        // A run of one repetition's characters can be split differently when everything else the sequence must
        // match is made of those same characters: (\w+\s*), (.*a), (\d+\d).
        Chars loop = null;
        for (int i = 0; i < items.size(); i++) {
            Chars candidate = items.get(i).loop();
            if (candidate == null) {
                continue;
            }
            boolean absorbs = true;
            for (int j = 0; j < items.size() && absorbs; j++) {
                absorbs = j == i || items.get(j).nullable() || candidate.containsAll(items.get(j).chars());
            }
            if (absorbs) {
                loop = loop == null ? candidate : loop.union(candidate);
            }
        }
        return new Shape(nullable, chars, loop, fixed == null ? null : List.copyOf(fixed), ambiguous);
    }

    private Shape quantified() {
        int start = pos;
        Shape atom = atom();
        if (!more()) {
            return atom;
        }
        long min;
        long max;
        switch (peek()) {
            case '*' -> { min = 0; max = -1; pos++; }
            case '+' -> { min = 1; max = -1; pos++; }
            case '?' -> { min = 0; max = 1; pos++; }
            case '{' -> {
                pos++;
                min = number();
                max = min;
                if (peek() == ',') {
                    pos++;
                    max = peek() == '}' ? -1 : number();
                }
                expect('}');
            }
            default -> {
                return atom;
            }
        }
        boolean possessive = false;
        if (more() && (peek() == '?' || peek() == '+')) {
            possessive = peek() == '+';
            pos++;
        }
        boolean many = max < 0 || max >= REPEATS;
        if (many && !possessive && (atom.loop() != null || atom.ambiguous())) {
            String part = regex.substring(start, pos);
            throw new Found("'" + part + "' repeats " + (atom.loop() != null
                    ? "a part that can match a run of the same characters in more than one way"
                    : "alternatives that can match the same text")
                    + ", so text that almost matches takes exponential time to refuse; make the repeated part"
                    + " unambiguous, or make it possessive ('*+', '++') or atomic ('(?>...)')");
        }
        boolean variable = (max < 0 || max > min) && (max < 0 || max >= 2);
        Chars loop = possessive ? null : variable && !atom.chars().isEmpty() ? atom.chars() : atom.loop();
        List<Chars> fixed = null;
        if (min == max && atom.fixed() != null && atom.fixed().size() * min <= MAX_FIXED) {
            fixed = new ArrayList<>();
            for (long i = 0; i < min; i++) {
                fixed.addAll(atom.fixed());
            }
        }
        return new Shape(min == 0 || atom.nullable(), atom.chars(), loop, fixed, !possessive && atom.ambiguous());
    }

    private Shape atom() {
        int c = regex.codePointAt(pos);
        pos += Character.charCount(c);
        return switch (c) {
            case '(' -> group();
            case '[' -> Shape.single(fold(characterClass()));
            case '\\' -> escape();
            case '.' -> Shape.single(Chars.ANY);
            case '^', '$' -> Shape.EMPTY;
            case '*', '+', '?', '{', '|', ')' -> throw new GiveUp();
            default -> Shape.single(fold(Chars.of(c)));
        };
    }

    private Shape group() {
        if (++depth > MAX_DEPTH) {
            throw new GiveUp();
        }
        boolean outerIgnoreCase = ignoreCase;
        try {
            if (peek() != '?') {
                return body();
            }
            pos++;
            char c = regex.charAt(pos++);
            switch (c) {
                case ':' -> {
                    return body();
                }
                case '>' -> {
                    Shape inner = body();
                    return new Shape(inner.nullable(), inner.chars(), null, inner.fixed(), false);
                }
                case '=', '!' -> {
                    body();
                    return Shape.EMPTY;
                }
                case '<' -> {
                    if (peek() == '=' || peek() == '!') {
                        pos++;
                        body();
                        return Shape.EMPTY;
                    }
                    while (peek() != '>') {
                        pos++;
                    }
                    pos++;
                    return body();
                }
                default -> {
                    pos--;
                    boolean on = true;
                    while (peek() != ')' && peek() != ':') {
                        char flag = regex.charAt(pos++);
                        switch (flag) {
                            case '-' -> on = false;
                            case 'i' -> ignoreCase = on;
                            case 'x' -> throw new GiveUp();
                            case 'd', 'm', 's', 'u', 'U' -> { }
                            default -> throw new GiveUp();
                        }
                    }
                    if (regex.charAt(pos++) == ')') {
                        // (?i) holds for the rest of the enclosing group.
                        outerIgnoreCase = ignoreCase;
                        return Shape.EMPTY;
                    }
                    return body();
                }
            }
        } finally {
            ignoreCase = outerIgnoreCase;
            depth--;
        }
    }

    private Shape body() {
        Shape inner = alternation();
        expect(')');
        return inner;
    }

    private Shape escape() {
        char c = regex.charAt(pos++);
        Chars set = classEscape(c);
        if (set != null) {
            return Shape.single(set);
        }
        switch (c) {
            case 'b' -> {
                if (more() && peek() == '{') {
                    while (peek() != '}') {
                        pos++;
                    }
                    pos++;
                }
                return Shape.EMPTY;
            }
            case 'B', 'A', 'G', 'z', 'Z' -> {
                return Shape.EMPTY;
            }
            case 'R' -> {
                return Shape.variable(false, Chars.of('\n').union(Chars.of('\r')).union(Chars.of(0x0B))
                        .union(Chars.of('\f')).union(Chars.of(0x85)).union(Chars.of(0x2028)).union(Chars.of(0x2029)));
            }
            case 'X' -> {
                return Shape.variable(false, Chars.ANY);
            }
            case 'k' -> {
                while (peek() != '>') {
                    pos++;
                }
                pos++;
                return Shape.variable(true, Chars.ANY);
            }
            case 'Q' -> {
                int end = regex.indexOf("\\E", pos);
                int stop = end < 0 ? regex.length() : end;
                List<Chars> quoted = new ArrayList<>();
                Chars all = Chars.NONE;
                for (int i = pos; i < stop; ) {
                    int q = regex.codePointAt(i);
                    i += Character.charCount(q);
                    Chars one = fold(Chars.of(q));
                    quoted.add(one);
                    all = all.union(one);
                }
                pos = end < 0 ? stop : end + 2;
                return new Shape(quoted.isEmpty(), all, null, quoted.size() <= MAX_FIXED ? List.copyOf(quoted) : null,
                        false);
            }
            default -> {
                if (c >= '1' && c <= '9') {
                    while (more() && Character.isDigit(peek())) {
                        pos++;
                    }
                    return Shape.variable(true, Chars.ANY);
                }
                return Shape.single(fold(Chars.of(charEscape(c))));
            }
        }
    }

    /** The set of a class escape ({@code \d}, {@code \w}, {@code \p{L}}, ...), or null for any other escape. */
    private Chars classEscape(char c) {
        return switch (c) {
            case 'd' -> Chars.range('0', '9');
            case 'D' -> Chars.range('0', '9').complement();
            case 'w' -> Chars.WORD;
            case 'W' -> Chars.WORD.complement();
            case 's' -> Chars.SPACE;
            case 'S' -> Chars.SPACE.complement();
            case 'h' -> Chars.of(' ').union(Chars.of('\t')).union(Chars.OTHER);
            case 'H' -> Chars.of(' ').union(Chars.of('\t')).complement().union(Chars.OTHER);
            case 'v' -> Chars.range('\n', '\r').union(Chars.OTHER);
            case 'V' -> Chars.range('\n', '\r').complement().union(Chars.OTHER);
            case 'p', 'P' -> {
                if (peek() == '{') {
                    while (peek() != '}') {
                        pos++;
                    }
                }
                pos++;
                yield Chars.ANY;
            }
            default -> null;
        };
    }

    /** The code point of a character escape whose letter was just read. */
    private int charEscape(char c) {
        return switch (c) {
            case 't' -> '\t';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 'f' -> '\f';
            case 'a' -> 0x07;
            case 'e' -> 0x1B;
            case '0' -> {
                int start = pos;
                while (pos - start < 3 && more() && peek() >= '0' && peek() <= '7') {
                    pos++;
                }
                yield Integer.parseInt(regex, start, pos, 8);
            }
            case 'x' -> {
                if (peek() == '{') {
                    int end = regex.indexOf('}', pos);
                    int value = Integer.parseInt(regex, pos + 1, end, 16);
                    pos = end + 1;
                    yield value;
                }
                pos += 2;
                yield Integer.parseInt(regex, pos - 2, pos, 16);
            }
            case 'u' -> {
                pos += 4;
                yield Integer.parseInt(regex, pos - 4, pos, 16);
            }
            case 'c' -> regex.charAt(pos++) ^ 64;
            case 'N' -> {
                while (peek() != '}') {
                    pos++;
                }
                pos++;
                yield 0x80;
            }
            default -> {
                if (Character.isLetterOrDigit(c)) {
                    throw new GiveUp();
                }
                yield c;
            }
        };
    }

    /** The set of a bracketed class whose {@code [} was just read, up to and including its {@code ]}. */
    private Chars characterClass() {
        boolean negated = more() && peek() == '^';
        if (negated) {
            pos++;
        }
        Chars union = Chars.NONE;
        Chars intersection = null;
        boolean first = true;
        while (true) {
            char c = regex.charAt(pos);
            if (c == ']' && !first) {
                pos++;
                break;
            }
            first = false;
            if (c == '&' && regex.charAt(pos + 1) == '&') {
                pos += 2;
                intersection = intersection == null ? union : intersection.intersect(union);
                union = Chars.NONE;
                continue;
            }
            if (c == '[') {
                pos++;
                union = union.union(characterClass());
                continue;
            }
            int from = classMember();
            if (from < 0) {
                union = union.union(lastClassEscape);
                continue;
            }
            if (peek() == '-' && regex.charAt(pos + 1) != ']' && regex.charAt(pos + 1) != '[') {
                pos++;
                int to = classMember();
                if (to < 0) {
                    throw new GiveUp();
                }
                union = union.union(Chars.range(from, to));
            } else {
                union = union.union(Chars.of(from));
            }
        }
        Chars result = intersection == null ? union : intersection.intersect(union);
        return negated ? result.complement() : result;
    }

    private Chars lastClassEscape;

    /** One member of a bracketed class: its code point, or -1 when it was a class escape (see {@link #lastClassEscape}). */
    private int classMember() {
        int c = regex.codePointAt(pos);
        pos += Character.charCount(c);
        if (c != '\\') {
            return c;
        }
        char e = regex.charAt(pos++);
        if (e == 'Q') {
            throw new GiveUp();
        }
        Chars set = classEscape(e);
        if (set != null) {
            lastClassEscape = set;
            return -1;
        }
        return charEscape(e);
    }

    private Chars fold(Chars c) {
        return ignoreCase ? c.foldCase() : c;
    }

    private long number() {
        int start = pos;
        while (more() && peek() >= '0' && peek() <= '9') {
            pos++;
        }
        if (pos == start) {
            throw new GiveUp();
        }
        return pos - start > 9 ? Integer.MAX_VALUE : Long.parseLong(regex, start, pos, 10);
    }

    private void expect(char c) {
        if (regex.charAt(pos++) != c) {
            throw new GiveUp();
        }
    }

    /**
     * A set of code points: ASCII exactly, a few other code points by value, and a flag for "any other code point".
     */
    private record Chars(long low, long high, Set<Integer> others, boolean anyOther) {

        private static final int MAX_OTHERS = 64;

        static final Chars NONE = new Chars(0, 0, Set.of(), false);
        static final Chars ANY = new Chars(-1L, -1L, Set.of(), true);
        /** Every code point above ASCII. */
        static final Chars OTHER = new Chars(0, 0, Set.of(), true);
        static final Chars WORD = range('a', 'z').union(range('A', 'Z')).union(range('0', '9')).union(of('_'));
        static final Chars SPACE = of(' ').union(range('\t', '\r'));

        static Chars of(int c) {
            if (c < 64) {
                return new Chars(1L << c, 0, Set.of(), false);
            }
            if (c < 128) {
                return new Chars(0, 1L << (c - 64), Set.of(), false);
            }
            return new Chars(0, 0, Set.of(c), false);
        }

        static Chars range(int from, int to) {
            Chars out = NONE;
            for (int c = from; c <= Math.min(to, 127); c++) {
                out = out.union(of(c));
            }
            if (to >= 128) {
                out = to - Math.max(from, 128) < MAX_OTHERS
                        ? out.union(new Chars(0, 0, rangeSet(Math.max(from, 128), to), false))
                        : out.union(OTHER);
            }
            return out;
        }

        private static Set<Integer> rangeSet(int from, int to) {
            Set<Integer> s = new HashSet<>();
            for (int c = from; c <= to; c++) {
                s.add(c);
            }
            return s;
        }

        boolean isEmpty() {
            return low == 0 && high == 0 && others.isEmpty() && !anyOther;
        }

        Chars union(Chars o) {
            boolean any = anyOther || o.anyOther;
            Set<Integer> s = Set.of();
            if (!any) {
                s = new HashSet<>(others);
                s.addAll(o.others);
                if (s.size() > MAX_OTHERS) {
                    any = true;
                    s = Set.of();
                }
            }
            return new Chars(low | o.low, high | o.high, s, any);
        }

        Chars intersect(Chars o) {
            Set<Integer> s = new HashSet<>();
            for (int c : others) {
                if (o.anyOther || o.others.contains(c)) {
                    s.add(c);
                }
            }
            if (o.anyOther) {
                // Approximation: ours are a subset of every other code point.
            } else if (anyOther) {
                s.addAll(o.others);
            }
            return new Chars(low & o.low, high & o.high, s, anyOther && o.anyOther);
        }

        /** Every code point outside; a finite set of others becomes "any other" (an over-approximation). */
        Chars complement() {
            return new Chars(~low, ~high, Set.of(), others.isEmpty() ? !anyOther : true);
        }

        boolean intersects(Chars o) {
            if ((low & o.low) != 0 || (high & o.high) != 0) {
                return true;
            }
            if (anyOther && (o.anyOther || !o.others.isEmpty()) || o.anyOther && !others.isEmpty()) {
                return true;
            }
            for (int c : others) {
                if (o.others.contains(c)) {
                    return true;
                }
            }
            return false;
        }

        boolean containsAll(Chars o) {
            if ((o.low & ~low) != 0 || (o.high & ~high) != 0) {
                return false;
            }
            if (anyOther) {
                return true;
            }
            return !o.anyOther && others.containsAll(o.others);
        }

        /** Adds the other case of every ASCII letter, as case-insensitive matching does. */
        Chars foldCase() {
            long upper = (high >>> 1) & 0x3FFFFFFL;
            long lower = (high >>> 33) & 0x3FFFFFFL;
            long letters = upper | lower;
            return new Chars(low, high | (letters << 1) | (letters << 33), others, anyOther);
        }
    }
}
