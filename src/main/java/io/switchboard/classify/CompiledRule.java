package io.switchboard.classify;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * One rule ready to evaluate.
 *
 * @param key           the config key of the rule, e.g. {@code classes[2].rules[0]}; names its regexes in warnings
 * @param name          shown in explanations
 * @param className     the class it votes for
 * @param score         higher wins
 * @param keywords      its keywords as configured (stripped), in declaration order
 * @param firstPattern  index of its first pattern in the rule set's flat pattern array
 * @param patternCount  how many patterns it has
 * @param metadataKeys  the metadata keys it tests, sorted
 * @param metadata      one full-match pattern per metadata key, aligned with {@code metadataKeys}
 * @param fields        its field matchers, sorted by path
 */
record CompiledRule(String key, String name, String className, int score, String[] keywords, int firstPattern, int patternCount,
                    String[] metadataKeys, Pattern[] metadata, Field[] fields) {

    /**
     * One field matcher: the content's value at {@code path}, read into {@code slot} by {@link ContentFields}, equals
     * {@code text}, or fully matches {@code regex} when that is set.
     */
    record Field(String path, int slot, String text, Pattern regex) {

        boolean matches(String value, CompiledRule rule, RegexBudget budget) {
            if (value == null) {
                return false;
            }
            return regex == null ? text.equals(value) : budget.matches(regex, value, rule.key() + ".fields." + path, rule.name());
        }
    }

    /** A rule without patterns or keywords matches on metadata and fields alone. */
    boolean textless() {
        return keywords.length == 0 && patternCount == 0;
    }

    boolean metadataMatches(Map<String, String> values, RegexBudget budget) {
        for (int i = 0; i < metadataKeys.length; i++) {
            String value = values.get(metadataKeys[i]);
            if (value == null || !budget.matches(metadata[i], value, key + ".metadata." + metadataKeys[i], name)) {
                return false;
            }
        }
        return true;
    }

    boolean hasFields() {
        return fields.length > 0;
    }

    /** Whether every field matcher matches; {@code values} is what {@link ContentFields#read} found, or null. */
    boolean fieldsMatch(String[] values, RegexBudget budget) {
        if (values == null) {
            return false;
        }
        for (Field field : fields) {
            if (!field.matches(values[field.slot()], this, budget)) {
                return false;
            }
        }
        return true;
    }

    /** What to show for a rule that matched on metadata and fields alone: its metadata keys, then path=value. */
    String textlessLabel(String[] values) {
        StringBuilder out = new StringBuilder(String.join(",", metadataKeys));
        for (Field field : fields) {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(field.path()).append('=').append(RuleSetClassifier.truncate(values[field.slot()]));
        }
        return out.toString();
    }
}
