package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.switchboard.message.Priority;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A message class. Its own {@code patterns}/{@code keywords}/{@code metadata}/{@code fields}/{@code score} form an
 * implicit first rule; {@code rules} adds more.
 *
 * @param name     the class name used by routes and shown to users
 * @param priority the priority its messages get unless the envelope says otherwise (default NORMAL)
 */
public record ClassConfig(
        @JsonProperty("name") String name,
        @JsonProperty("priority") Priority priority,
        @JsonProperty("patterns") List<String> patterns,
        @JsonProperty("keywords") List<String> keywords,
        @JsonProperty("metadata") Map<String, String> metadata,
        @JsonProperty("fields") Map<String, String> fields,
        @JsonProperty("score") Integer score,
        @JsonProperty("rules") List<RuleConfig> rules) {

    public ClassConfig {
        Check.name("name", name);
        priority = Check.orDefault(priority, Priority.NORMAL);
        patterns = patterns == null ? List.of() : List.copyOf(patterns);
        keywords = keywords == null ? List.of() : List.copyOf(keywords);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        fields = fields == null ? Map.of() : Map.copyOf(fields);
        score = Check.orDefault(score, 1);
        rules = rules == null ? List.of() : List.copyOf(rules);
        if (hasInlineRule(patterns, keywords, metadata, fields)) {
            // The inline matchers form a rule; building it here reports a bad pattern at load time, under this class.
            new RuleConfig(name, patterns, keywords, metadata, fields, score);
        }
    }

    /** A class without inline field matchers. */
    public ClassConfig(String name, Priority priority, List<String> patterns, List<String> keywords,
                       Map<String, String> metadata, Integer score, List<RuleConfig> rules) {
        this(name, priority, patterns, keywords, metadata, null, score, rules);
    }

    /** Whether the class's own matchers form a rule (the first of {@link #allRules()}). */
    public boolean hasInlineRule() {
        return hasInlineRule(patterns, keywords, metadata, fields);
    }

    private static boolean hasInlineRule(List<String> patterns, List<String> keywords, Map<String, String> metadata,
                                         Map<String, String> fields) {
        return !patterns.isEmpty() || !keywords.isEmpty() || !metadata.isEmpty() || !fields.isEmpty();
    }

    /** Every rule of this class in declaration order: the inline one first (when present), then {@code rules}. */
    public List<RuleConfig> allRules() {
        List<RuleConfig> all = new ArrayList<>();
        if (hasInlineRule()) {
            all.add(new RuleConfig(name + "#0", patterns, keywords, metadata, fields, score));
        }
        for (int i = 0; i < rules.size(); i++) {
            RuleConfig r = rules.get(i);
            String ruleName = r.name() != null ? r.name() : name + "#" + (all.size());
            all.add(new RuleConfig(ruleName, r.patterns(), r.keywords(), r.metadata(), r.fields(), r.score()));
        }
        return all;
    }
}
