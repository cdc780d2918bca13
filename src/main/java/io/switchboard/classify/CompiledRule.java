package io.switchboard.classify;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * One rule ready to evaluate.
 *
 * @param name          shown in explanations
 * @param className     the class it votes for
 * @param score         higher wins
 * @param keywords      its keywords as configured (stripped), in declaration order
 * @param firstPattern  index of its first pattern in the rule set's flat pattern array
 * @param patternCount  how many patterns it has
 * @param metadataKeys  the metadata keys it tests, sorted
 * @param metadata      one full-match pattern per metadata key, aligned with {@code metadataKeys}
 */
record CompiledRule(String name, String className, int score, String[] keywords, int firstPattern, int patternCount,
                    String[] metadataKeys, Pattern[] metadata) {

    /** A rule without patterns or keywords matches on metadata alone. */
    boolean textless() {
        return keywords.length == 0 && patternCount == 0;
    }

    boolean metadataMatches(Map<String, String> values) {
        for (int i = 0; i < metadataKeys.length; i++) {
            String value = values.get(metadataKeys[i]);
            if (value == null || !metadata[i].matcher(value).matches()) {
                return false;
            }
        }
        return true;
    }

    /** What to show for a rule that matched on metadata alone. */
    String metadataLabel() {
        return String.join(",", metadataKeys);
    }
}
