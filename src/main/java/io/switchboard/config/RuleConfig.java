package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One classification rule. It matches when any of its patterns or keywords is found in the text (or it has none),
 * every metadata matcher matches and every field matcher matches; a rule needs at least one pattern, keyword,
 * metadata matcher or field matcher.
 *
 * @param name     shown in explanations (default {@code <class>#<index>})
 * @param patterns Java regular expressions searched in the text; shapes that backtrack catastrophically (see
 *                 {@link BacktrackingCheck}) are refused here, in metadata and field matchers too
 * @param keywords words or phrases found case-insensitively on word boundaries
 * @param metadata metadata key to a regular expression its value must fully match
 * @param fields   a field path of content that is a JSON object ({@code meta.source}: dots step into nested objects)
 *                 to the text its value must equal, or to {@code ~} and a regular expression the value must fully
 *                 match
 * @param score    higher wins across classes (default 1); ties go to the rule declared first
 */
public record RuleConfig(
        @JsonProperty("name") String name,
        @JsonProperty("patterns") List<String> patterns,
        @JsonProperty("keywords") List<String> keywords,
        @JsonProperty("metadata") Map<String, String> metadata,
        @JsonProperty("fields") Map<String, String> fields,
        @JsonProperty("score") Integer score) {

    /** Marks a field matcher that is a regular expression rather than the text to equal. */
    public static final String FIELD_REGEX_PREFIX = "~";

    public RuleConfig {
        patterns = patterns == null ? List.of() : List.copyOf(patterns);
        keywords = keywords == null ? List.of() : List.copyOf(keywords);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        fields = fields == null ? Map.of() : Map.copyOf(fields);
        score = Check.orDefault(score, 1);
        if (patterns.isEmpty() && keywords.isEmpty() && metadata.isEmpty() && fields.isEmpty()) {
            throw new InvalidValueException("patterns",
                    "a rule needs at least one of patterns, keywords, metadata or fields");
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
        for (Map.Entry<String, String> matcher : fields.entrySet()) {
            String path = matcher.getKey();
            if (path.isEmpty() || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
                throw new InvalidValueException(path.isEmpty() ? "fields" : "fields." + path, "'" + path
                        + "' is not a field path: names of nested fields joined by '.', none of them empty");
            }
            if (matcher.getValue().startsWith(FIELD_REGEX_PREFIX)) {
                checkRegex("fields." + path, matcher.getValue().substring(FIELD_REGEX_PREFIX.length()));
            }
        }
    }

    /** A rule without field matchers. */
    public RuleConfig(String name, List<String> patterns, List<String> keywords, Map<String, String> metadata,
                      Integer score) {
        this(name, patterns, keywords, metadata, null, score);
    }

    private static void checkRegex(String key, String regex) {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new InvalidValueException(key, "'" + regex + "' is not a valid regular expression: "
                    + e.getDescription() + " near index " + e.getIndex());
        }
        String risk = BacktrackingCheck.problem(regex);
        if (risk != null) {
            throw new InvalidValueException(key, "'" + regex + "' can backtrack catastrophically: " + risk);
        }
    }
}
