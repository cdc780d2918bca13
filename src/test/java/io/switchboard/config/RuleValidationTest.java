package io.switchboard.config;

import io.switchboard.message.Priority;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Regular expressions are checked when the config is built, so a bad one never reaches the classifier. */
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
}
