package io.switchboard.classify;

import io.switchboard.config.ClassConfig;
import io.switchboard.config.RuleConfig;
import io.switchboard.message.Priority;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Generates valid regexes, rule sets and texts over a shared small vocabulary, so that rules often match. */
final class RandomRules {

    static final String[] WORDS = {"plan", "strategy", "analy", "move", "next", "go", "ab", "a", "x", "ok", "planet", "s"};
    private static final String[] ODD = {"é", "ſ", "\u212A", "İ", "ı", "ß", "😀", "\u00A0", "_"};
    private static final String[] PUNCT = {" ", " ", " ", ".", "-", ":", "\n", ",", "(", ")", "$", "+"};
    private static final String[] QUANTIFIERS = {"", "", "", "", "?", "*", "+", "{2}", "{1,3}", "{0,2}", "??", "*?", "+?",
            "?+", "{1,2}+", "{3,}"};
    private static final String[] FIELD_PATHS = {"command", "chat", "meta", "meta.source", "meta.n", "n", "ok", "tags"};
    private static final String[] FIELD_MATCHERS = {"fetch", "plan", "3", "2.5", "true", "", "~\\d+", "~(?i)fetch|plan",
            "~@ru_.*", "~(?s).*", "~(?s).*", "~~x", "~[^@]*", "null"};
    private static final String[] JSON_KEYS = {"command", "chat", "meta", "source", "n", "ok", "tags", "other"};
    private static final String[] JSON_SCALARS = {"\"fetch\"", "\"plan\"", "\"3\"", "3", "2.5", "2.50", "-0", "1e3",
            "12345678901234567890", "true", "\"true\"", "false", "null", "\"\"", "\"~x\"", "\"a\\nb\"", "\"x\\u00e9\""};
    /** Groups get only small bounded repeats: nested unbounded ones backtrack catastrophically on long texts. */
    private static final String[] GROUP_QUANTIFIERS = {"", "", "", "?", "{2}", "{0,2}", "??", "{1,2}+"};

    private final RandomGenerator random;
    private int groups;
    private boolean lastWasGroup;

    RandomRules(RandomGenerator random) {
        this.random = random;
    }

    private <T> T pick(T[] options) {
        return options[random.nextInt(options.length)];
    }

    private String word() {
        String w = pick(WORDS);
        return switch (random.nextInt(4)) {
            case 0 -> w.toUpperCase(Locale.ROOT);
            case 1 -> Character.toUpperCase(w.charAt(0)) + w.substring(1);
            default -> w;
        };
    }

    /** A regex that {@link Pattern} accepts. */
    String regex() {
        while (true) {
            groups = 0;
            String candidate = (random.nextInt(3) == 0 ? "(?i)" : "") + alternation(0);
            try {
                Pattern.compile(candidate);
                return candidate;
            } catch (PatternSyntaxException e) {
                // Lookbehinds without an obvious bound and similar are rejected by Pattern; draw again.
            }
        }
    }

    private String alternation(int depth) {
        StringBuilder out = new StringBuilder(concatenation(depth));
        while (random.nextInt(4) == 0) {
            out.append('|').append(concatenation(depth));
        }
        return out.toString();
    }

    private String concatenation(int depth) {
        StringBuilder out = new StringBuilder();
        int items = 1 + random.nextInt(4);
        for (int i = 0; i < items; i++) {
            lastWasGroup = false;
            String atom = atom(depth);
            out.append(atom).append(pick(lastWasGroup ? GROUP_QUANTIFIERS : QUANTIFIERS));
        }
        return out.toString();
    }

    private String atom(int depth) {
        int kind = random.nextInt(depth < 2 ? 26 : 20);
        return switch (kind) {
            case 0, 1, 2, 3, 4, 5, 6 -> word();
            case 7 -> "\\b";
            case 8 -> pick(new String[] {"^", "$", "(?m)^", "\\B", "\\A", "\\z"});
            case 9 -> pick(new String[] {".", "\\d", "\\w", "\\s", "\\W"});
            case 10 -> pick(new String[] {"[sz]", "[a-c]", "[^x]", "[Pp]", "[.:]", "[\\-\\d]", "[é]"});
            case 11 -> "\\" + pick(new String[] {".", "-", ":", "$", "(", "+"});
            case 12 -> pick(ODD);
            case 13 -> "\\Q" + word() + pick(new String[] {".", "+", "*", ""}) + "\\E";
            case 14 -> groups > 0 ? "\\" + (1 + random.nextInt(groups)) : "(?i)";
            case 15 -> pick(new String[] {"(?i)", "(?-i)", "(?u)", "(?iu)", "(?s)"});
            case 16, 17, 18, 19 -> pick(new String[] {" ", "-", ":", "ab", "x"});
            default -> group(depth + 1);
        };
    }

    private String group(int depth) {
        String inner = alternation(depth);
        lastWasGroup = true;
        return switch (random.nextInt(7)) {
            case 0, 1 -> {
                groups++;
                yield "(" + inner + ")";
            }
            case 2 -> "(?:" + inner + ")";
            case 3 -> "(?i:" + inner + ")";
            case 4 -> "(?=" + inner + ")";
            case 5 -> "(?<!" + inner + ")";
            default -> "(?>" + inner + ")";
        };
    }

    /** Text built from the vocabulary, odd characters and punctuation; sometimes long and repetitive. */
    String text() {
        int tokens = random.nextInt(10) == 0 ? 200 + random.nextInt(600) : random.nextInt(40);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < tokens; i++) {
            switch (random.nextInt(10)) {
                case 0 -> out.append(pick(ODD));
                case 1, 2, 3 -> out.append(pick(PUNCT));
                case 4 -> out.append(random.nextInt(1000));
                default -> out.append(word());
            }
        }
        return out.toString();
    }

    /**
     * A JSON object over the rules' field paths and the vocabulary (nested objects, arrays, numbers, booleans, nulls,
     * repeated keys), sometimes not quite one: cut short, with something after it, or inside an array.
     */
    String document() {
        String json = object(0);
        return switch (random.nextInt(12)) {
            case 0 -> json.substring(0, random.nextInt(json.length()));
            case 1 -> json + pick(new String[] {" x", "{}", ",", " "});
            case 2 -> pick(new String[] {" ", "\n", "\t "}) + json;
            case 3 -> "[" + json + "]";
            default -> json;
        };
    }

    private String object(int depth) {
        StringBuilder out = new StringBuilder("{");
        for (int i = depth == 0 ? 1 + random.nextInt(8) : random.nextInt(3); i >= 0; i--) {
            out.append('"').append(pick(JSON_KEYS)).append("\":").append(jsonValue(depth));
            if (i > 0) {
                out.append(',');
            }
        }
        return out.append('}').toString();
    }

    private String jsonValue(int depth) {
        return switch (random.nextInt(depth < 2 ? 10 : 8)) {
            case 0, 1, 2, 3, 4 -> pick(JSON_SCALARS);
            case 5 -> "\"" + pick(new String[] {"", "@ru_", "~"}) + word() + "\"";
            case 6 -> Integer.toString(random.nextInt(5));
            case 7 -> "[" + jsonValue(2) + "," + jsonValue(2) + "]";
            default -> object(depth + 1);
        };
    }

    List<ClassConfig> classes() {
        int count = 1 + random.nextInt(5);
        List<ClassConfig> classes = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            Priority priority = pick(Priority.values());
            RuleConfig inline = random.nextInt(3) == 0 ? null : rule(null);
            List<RuleConfig> rules = new ArrayList<>();
            int more = random.nextInt(inline == null ? 4 : 3) + (inline == null ? 1 : 0);
            for (int r = 0; r < more; r++) {
                rules.add(rule(random.nextBoolean() ? "r" + c + "_" + r : null));
            }
            classes.add(inline == null
                    ? new ClassConfig("c" + c, priority, null, null, null, null, rules)
                    : new ClassConfig("c" + c, priority, inline.patterns(), inline.keywords(), inline.metadata(),
                    inline.fields(), inline.score(), rules));
        }
        return classes;
    }

    private RuleConfig rule(String name) {
        List<String> patterns = new ArrayList<>();
        List<String> keywords = new ArrayList<>();
        Map<String, String> metadata = new HashMap<>();
        Map<String, String> fields = new HashMap<>();
        int shape = random.nextInt(8);
        if (shape > 2) {
            for (int i = random.nextInt(3); i > 0; i--) {
                patterns.add(regex());
            }
            for (int i = random.nextInt(3); i > 0; i--) {
                keywords.add(random.nextInt(4) == 0 ? word() + " " + word() : random.nextInt(8) == 0 ? "c++" : word());
            }
        }
        if (shape == 0 || random.nextInt(6) == 0) {
            metadata.put("tenant", pick(new String[] {"acme|globex", "a.*", "globex"}));
        }
        if (shape == 1 || shape == 2 || random.nextInt(5) == 0) {
            for (int i = random.nextInt(4) == 0 ? 2 : 1; i > 0; i--) {
                fields.put(pick(FIELD_PATHS), pick(FIELD_MATCHERS));
            }
        }
        if (patterns.isEmpty() && keywords.isEmpty() && metadata.isEmpty() && fields.isEmpty()) {
            keywords.add(word());
        }
        return new RuleConfig(name, patterns, keywords, metadata, fields, 1 + random.nextInt(3));
    }

    Map<String, String> metadata() {
        return switch (random.nextInt(4)) {
            case 0 -> Map.of();
            case 1 -> Map.of("tenant", "acme");
            case 2 -> Map.of("tenant", "globex", "other", "1");
            default -> Map.of("tenant", "zeta");
        };
    }
}
