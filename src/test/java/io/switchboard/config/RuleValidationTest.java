package io.switchboard.config;

import io.switchboard.message.Priority;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Regular expressions and field paths are checked when the config is built, so a bad one never reaches the
 * classifier.
 */
class RuleValidationTest {

    @Test
    void invalidInlinePatternNamesItsKeyAndTheRegexError() {
        assertThatThrownBy(() -> new ClassConfig("strategic", Priority.HIGH, List.of("good", "(unclosed"), null, null, null, null))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> {
                    assertThat(e.key()).isEqualTo("patterns[1]");
                    assertThat(e.reason()).contains("(unclosed", "Unclosed group");
                });
    }

    @Test
    void invalidPatternInsideARuleIsKeyedByItsIndex() {
        assertThatThrownBy(() -> new RuleConfig("broken", List.of("ok", "a{2,1}"), null, null, 1))
                .isInstanceOfSatisfying(InvalidValueException.class,
                        e -> assertThat(e.key()).isEqualTo("patterns[1]"));
    }

    @Test
    void invalidMetadataRegexIsKeyedByItsMetadataKey() {
        assertThatThrownBy(() -> new RuleConfig(null, null, null, Map.of("tenant", "[a-"), 1))
                .isInstanceOfSatisfying(InvalidValueException.class,
                        e -> assertThat(e.key()).isEqualTo("metadata.tenant"));
    }

    @Test
    void invalidFieldRegexIsKeyedByItsFieldPath() {
        Map<String, String> fields = Map.of("meta.chat", "~@ru_(", "command", "fetch");
        assertThatThrownBy(() -> new RuleConfig(null, null, null, null, fields, 1))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> {
                    assertThat(e.key()).isEqualTo("fields.meta.chat");
                    assertThat(e.reason()).contains("'@ru_('", "Unclosed group");
                });
    }

    @Test
    void plainFieldValuesAreNeverCompiledAsRegexes() {
        RuleConfig rule = new RuleConfig(null, null, null, null, Map.of("chat", "@ru_("), 1);

        assertThat(rule.fields()).containsEntry("chat", "@ru_(");
    }

    @Test
    void fieldPathsMustNotHaveEmptyParts() {
        for (String path : new String[] {".chat", "chat.", "meta..chat", "."}) {
            assertThatThrownBy(() -> new RuleConfig(null, null, null, null, Map.of(path, "x"), 1)).as(path)
                    .isInstanceOfSatisfying(InvalidValueException.class, e -> {
                        assertThat(e.key()).isEqualTo("fields." + path);
                        assertThat(e.reason()).contains("'" + path + "' is not a field path");
                    });
        }
        assertThatThrownBy(() -> new RuleConfig(null, null, null, null, Map.of("", "x"), 1))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.key()).isEqualTo("fields"));
    }

    @Test
    void aRuleWithOnlyFieldsIsValidAndAnEmptyRuleNamesFields() {
        assertThat(new RuleConfig(null, null, null, null, Map.of("command", "fetch"), 1).fields())
                .containsExactly(Map.entry("command", "fetch"));
        assertThatThrownBy(() -> new RuleConfig("empty", null, null, Map.of(), Map.of(), 1))
                .isInstanceOfSatisfying(InvalidValueException.class,
                        e -> assertThat(e.reason()).contains("patterns, keywords, metadata or fields"));
    }

    @Test
    void inlineClassFieldsFormTheClassRule() {
        ClassConfig fetch = new ClassConfig("fetch", Priority.NORMAL, null, null, null, Map.of("command", "fetch"), 3,
                null);

        assertThat(fetch.allRules()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("fetch#0");
            assertThat(r.fields()).containsExactly(Map.entry("command", "fetch"));
            assertThat(r.score()).isEqualTo(3);
        });
        assertThatThrownBy(() -> new ClassConfig("fetch", Priority.NORMAL, null, null, null, Map.of("chat", "~["), 1,
                null))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.key()).isEqualTo("fields.chat"));
    }
}
