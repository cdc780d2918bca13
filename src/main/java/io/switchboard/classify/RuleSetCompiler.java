package io.switchboard.classify;

import io.switchboard.config.ClassConfig;
import io.switchboard.config.InvalidValueException;
import io.switchboard.config.RuleConfig;
import io.switchboard.message.Priority;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Turns configured classes into a {@link RuleSetClassifier}, rejecting invalid regexes with the key that holds them. */
final class RuleSetCompiler {

    private final List<CompiledRule> rules = new ArrayList<>();
    private final List<Pattern> patterns = new ArrayList<>();
    /** The config key of each pattern, aligned with {@link #patterns}. */
    private final List<String> patternKeys = new ArrayList<>();
    private final List<Integer> maxLengths = new ArrayList<>();
    private final Map<String, Integer> literalIds = new HashMap<>();
    private final List<String> literals = new ArrayList<>();
    private final List<List<int[]>> keywordRefs = new ArrayList<>();
    private final List<List<Integer>> patternRefs = new ArrayList<>();
    private final Set<String> metadataKeys = new TreeSet<>();
    /** Every field path any rule tests, to its slot in what {@link ContentFields} reads. */
    private final Map<String, Integer> fieldSlots = new LinkedHashMap<>();

    private RuleSetCompiler() {
    }

    static RuleSetClassifier compile(List<ClassConfig> classes, String defaultClass, Priority defaultClassPriority) {
        Objects.requireNonNull(classes, "classes");
        Objects.requireNonNull(defaultClassPriority, "defaultClassPriority");
        if (defaultClass == null || defaultClass.isBlank()) {
            throw new InvalidValueException("default_class", "is required: the class of messages no rule matches");
        }
        RuleSetCompiler compiler = new RuleSetCompiler();
        Map<String, Priority> priorities = new LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            ClassConfig c = classes.get(i);
            if (priorities.putIfAbsent(c.name(), c.priority()) != null) {
                throw new InvalidValueException("classes[" + i + "].name", "duplicate class '" + c.name() + "'");
            }
            compiler.addClass(i, c);
        }
        priorities.putIfAbsent(defaultClass, defaultClassPriority);
        return compiler.build(Collections.unmodifiableMap(priorities), defaultClass);
    }

    private void addClass(int classIndex, ClassConfig c) {
        List<RuleConfig> all = c.allRules();
        boolean inline = c.hasInlineRule();
        for (int j = 0; j < all.size(); j++) {
            String key = "classes[" + classIndex + "]";
            if (!inline || j > 0) {
                key += ".rules[" + (inline ? j - 1 : j) + "]";
            }
            addRule(key, c.name(), all.get(j));
        }
    }

    private void addRule(String key, String className, RuleConfig config) {
        int ruleIndex = rules.size();
        String where = "class '" + className + "', rule '" + config.name() + "': ";

        int firstPattern = patterns.size();
        for (int k = 0; k < config.patterns().size(); k++) {
            String regex = config.patterns().get(k);
            patterns.add(compileRegex(key + ".patterns[" + k + "]", where, regex));
            patternKeys.add(key + ".patterns[" + k + "]");
            RequiredLiterals.Prefilter prefilter = RequiredLiterals.of(regex);
            maxLengths.add(prefilter == null ? RuleSetClassifier.ALWAYS_RUN
                    : prefilter.bounded() ? prefilter.maxLength() : RuleSetClassifier.UNBOUNDED);
            if (prefilter != null) {
                for (String literal : prefilter.literals()) {
                    patternRefs.get(literalId(literal)).add(patterns.size() - 1);
                }
            }
        }

        String[] keywords = new String[config.keywords().size()];
        for (int k = 0; k < keywords.length; k++) {
            keywords[k] = config.keywords().get(k).strip();
            keywordRefs.get(literalId(TextFold.fold(keywords[k]))).add(new int[] {ruleIndex, k});
        }

        String[] keys = new TreeSet<>(config.metadata().keySet()).toArray(String[]::new);
        Pattern[] matchers = new Pattern[keys.length];
        for (int k = 0; k < keys.length; k++) {
            matchers[k] = compileRegex(key + ".metadata." + keys[k], where, config.metadata().get(keys[k]));
        }
        metadataKeys.addAll(List.of(keys));

        String[] paths = new TreeSet<>(config.fields().keySet()).toArray(String[]::new);
        CompiledRule.Field[] fields = new CompiledRule.Field[paths.length];
        for (int k = 0; k < paths.length; k++) {
            String matcher = config.fields().get(paths[k]);
            int slot = fieldSlots.computeIfAbsent(paths[k], p -> fieldSlots.size());
            fields[k] = matcher.startsWith(RuleConfig.FIELD_REGEX_PREFIX)
                    ? new CompiledRule.Field(paths[k], slot, null, compileRegex(key + ".fields." + paths[k], where,
                            matcher.substring(RuleConfig.FIELD_REGEX_PREFIX.length())))
                    : new CompiledRule.Field(paths[k], slot, matcher, null);
        }

        rules.add(new CompiledRule(key, config.name(), className, config.score(), keywords, firstPattern,
                config.patterns().size(), keys, matchers, fields));
    }

    private static Pattern compileRegex(String key, String where, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            String at = e.getIndex() >= 0 ? " at index " + e.getIndex() : "";
            throw new InvalidValueException(key, where + "invalid regular expression '" + regex + "': "
                    + e.getDescription() + at);
        }
    }

    private int literalId(String folded) {
        return literalIds.computeIfAbsent(folded, f -> {
            literals.add(f);
            keywordRefs.add(new ArrayList<>());
            patternRefs.add(new ArrayList<>());
            return literals.size() - 1;
        });
    }

    private RuleSetClassifier build(Map<String, Priority> priorities, String defaultClass) {
        int n = literals.size();
        int[] length = new int[n];
        boolean[] wordAtStart = new boolean[n];
        boolean[] wordAtEnd = new boolean[n];
        int[][] keywordRule = new int[n][];
        int[][] keywordIndex = new int[n][];
        int[][] literalPatterns = new int[n][];
        for (int id = 0; id < n; id++) {
            String literal = literals.get(id);
            length[id] = literal.length();
            wordAtStart[id] = TextFold.isWord(literal.codePointAt(0));
            wordAtEnd[id] = TextFold.isWord(literal.codePointBefore(literal.length()));
            List<int[]> refs = keywordRefs.get(id);
            keywordRule[id] = refs.stream().mapToInt(ref -> ref[0]).toArray();
            keywordIndex[id] = refs.stream().mapToInt(ref -> ref[1]).toArray();
            literalPatterns[id] = patternRefs.get(id).stream().mapToInt(Integer::intValue).toArray();
        }
        LiteralAutomaton automaton = n == 0 ? null : LiteralAutomaton.of(literals);
        var tables = new RuleSetClassifier.Literals(automaton, length, wordAtStart, wordAtEnd,
                keywordRule, keywordIndex, literalPatterns);
        int[] maxLength = maxLengths.stream().mapToInt(Integer::intValue).toArray();
        ContentFields fields = fieldSlots.isEmpty() ? null : new ContentFields(List.copyOf(fieldSlots.keySet()));
        return new RuleSetClassifier(rules.toArray(CompiledRule[]::new), patterns.toArray(Pattern[]::new),
                patternKeys.toArray(String[]::new), maxLength, tables, priorities, defaultClass,
                metadataKeys.toArray(String[]::new), fields);
    }
}
