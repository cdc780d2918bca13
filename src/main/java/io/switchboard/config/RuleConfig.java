package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One classification rule. It matches when any of its patterns or keywords is found in the text (or it has none)
 * and every metadata matcher matches; a rule needs at least one pattern, keyword or metadata matcher.
 *
 * @param name     shown in explanations (default {@code <class>#<index>})
 * @param patterns Java regular expressions searched in the text
 * @param keywords words or phrases found case-insensitively on word boundaries
 * @param metadata metadata key to a regular expression its value must fully match
 * @param score    higher wins across classes (default 1); ties go to the rule declared first
 */
public record RuleConfig(
        @JsonProperty("name") String name,
        @JsonProperty("patterns") List<String> patterns,
        @JsonProperty("keywords") List<String> keywords,
        @JsonProperty("metadata") Map<String, String> metadata,
        @JsonProperty("score") Integer score) {

    public RuleConfig {
        patterns = patterns == null ? List.of() : List.copyOf(patterns);
        keywords = keywords == null ? List.of() : List.copyOf(keywords);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        score = Check.orDefault(score, 1);
        if (patterns.isEmpty() && keywords.isEmpty() && metadata.isEmpty()) {
            throw new InvalidValueException("patterns", "a rule needs at least one of patterns, keywords or metadata");
        }
        for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i).isEmpty()) {
                throw new InvalidValueException("patterns[" + i + "]", "must not be empty (it would match every message)");
            }
            checkRegex("patterns[" + i + "]", patterns.get(i));
        }
        for (Map.Entry<String, String> matcher : metadata.entrySet()) {
            checkRegex("metadata." + matcher.getKey(), matcher.getValue());
        }
        for (int i = 0; i < keywords.size(); i++) {
            if (keywords.get(i) == null || keywords.get(i).isBlank()) {
                throw new InvalidValueException("keywords[" + i + "]", "must not be empty");
            }
        }
    }

    private static void checkRegex(String key, String regex) {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new InvalidValueException(key, "'" + regex + "' is not a valid regular expression: "
                    + e.getDescription() + " near index " + e.getIndex());
        }
    }
}
