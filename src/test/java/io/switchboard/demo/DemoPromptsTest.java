package io.switchboard.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class DemoPromptsTest {

    /** The default config's strategic rule, so the demo's prompts land where their kind says. */
    private static final Pattern STRATEGIC_RULE = Pattern.compile("(?i)\\b(strategy|plan|analy[sz]e)\\b");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> bodies(int n) throws Exception {
        SplittableRandom random = new SplittableRandom(2024);
        List<JsonNode> bodies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            bodies.add(JSON.readTree(DemoPrompts.nextBody(random)));
        }
        return bodies;
    }

    @Test
    void strategicPromptsMatchTheDefaultStrategicRuleAndTacticalOnesDoNot() {
        assertThat(DemoPrompts.STRATEGIC).allMatch(p -> STRATEGIC_RULE.matcher(p).find());
        assertThat(DemoPrompts.TACTICAL).noneMatch(p -> STRATEGIC_RULE.matcher(p).find());
    }

    @Test
    void bodiesAreEnvelopesMixingBothKindsWithSomeMetadataAndExplicitPriorities() throws Exception {
        List<JsonNode> bodies = bodies(2_000);

        assertThat(bodies).allMatch(b -> b.isObject() && b.get("content").isTextual());
        List<String> contents = bodies.stream().map(b -> b.get("content").textValue()).toList();
        long strategic = contents.stream().filter(DemoPrompts.STRATEGIC::contains).count();
        long tactical = contents.stream().filter(DemoPrompts.TACTICAL::contains).count();
        assertThat(strategic + tactical).isEqualTo(bodies.size());
        assertThat(strategic).isBetween(300L, 700L);
        assertThat(bodies).filteredOn(b -> b.has("metadata"))
                .isNotEmpty()
                .allMatch(b -> b.get("metadata").get("user_id").textValue().startsWith("u-"));
        assertThat(bodies).filteredOn(b -> b.has("priority"))
                .extracting(b -> b.get("priority").textValue())
                .contains("CRITICAL", "HIGH", "LOW")
                .doesNotContain("NORMAL")
                .hasSizeLessThan(bodies.size() / 5);
    }
}
