package io.switchboard.classify;

import com.fasterxml.jackson.databind.node.TextNode;
import io.switchboard.config.ClassConfig;
import io.switchboard.config.RuleConfig;
import io.switchboard.message.Envelope;
import io.switchboard.message.Json;
import io.switchboard.message.Priority;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Rules that test fields of content that is a JSON object, such as the fetcher's commands. */
class FieldRulesTest {

    static final String SEED = "{\"command\":\"fetch\",\"chat\":\"@ru_python\",\"mode\":\"date\","
            + "\"date\":\"2025-11-07\","
            + "\"strategy\":\"batch\",\"requested_by\":\"scheduler\",\"timestamp\":\"2025-11-07T06:00:00Z\"}";

    private static ClassConfig fields(String name, Map<String, String> fields) {
        return new ClassConfig(name, Priority.NORMAL, null, null, null, fields, null, null);
    }

    private static RuleClassifier compile(ClassConfig... classes) {
        return Classifier.compile(List.of(classes), "general", Priority.LOW, 0);
    }

    private static String classOf(RuleClassifier c, String text) {
        return c.classify(Envelope.ofText(text)).className();
    }

    private static Envelope withMetadata(String text, String key, String value) {
        return new Envelope(TextNode.valueOf(text), Map.of(key, value), null, null, null, null);
    }

    private static String[] read(String text, String... paths) {
        return new ContentFields(List.of(paths)).read(text);
    }

    @Test
    void plainValueMustEqualTheFieldAndEveryFieldMustMatch() {
        RuleClassifier c = compile(fields("fetch", Map.of("command", "fetch", "mode", "date")));

        assertThat(classOf(c, SEED)).isEqualTo("fetch");
        assertThat(classOf(c, SEED.replace("\"mode\":\"date\"", "\"mode\":\"range\""))).isEqualTo("general");
        assertThat(classOf(c, SEED.replace("\"command\":\"fetch\"", "\"command\":\"fetch-all\"")))
                .as("equality is exact, not a search").isEqualTo("general");
        assertThat(classOf(c, SEED.replace("\"command\":\"fetch\"", "\"command\":\"FETCH\"")))
                .as("and case-sensitive").isEqualTo("general");
    }

    @Test
    void tildeValueIsARegexThatMustMatchTheWholeValue() {
        RuleClassifier c = compile(fields("russian", Map.of("chat", "~@ru_\\w+")));

        assertThat(classOf(c, SEED)).isEqualTo("russian");
        assertThat(classOf(c, SEED.replace("@ru_python", "@de_python"))).isEqualTo("general");
        assertThat(classOf(c, SEED.replace("@ru_python", "@ru_python!"))).as("a full match").isEqualTo("general");
    }

    @Test
    void aValueStartingWithATildeIsMatchedByARegexThatStartsWithOne() {
        RuleClassifier c = compile(fields("home", Map.of("path", "~~/inbox")));

        assertThat(classOf(c, "{\"path\":\"~/inbox\"}")).isEqualTo("home");
    }

    @Test
    void dotsInAPathStepIntoNestedObjects() {
        RuleClassifier c = compile(fields("scheduled", Map.of("meta.source", "scheduler", "meta.retry.count", "0")));

        assertThat(classOf(c, "{\"meta\":{\"source\":\"scheduler\",\"retry\":{\"count\":0}},\"command\":\"fetch\"}"))
                .isEqualTo("scheduled");
        assertThat(classOf(c, "{\"meta\":{\"source\":\"scheduler\"}}")).as("a missing field never matches")
                .isEqualTo("general");
        assertThat(classOf(c, "{\"meta.source\":\"scheduler\",\"meta\":{\"retry\":{\"count\":0}}}"))
                .as("a dot is never part of a key").isEqualTo("general");
    }

    @Test
    void numbersAndBooleansAreComparedAsTheirJsonText() {
        RuleClassifier c = compile(fields("urgent", Map.of("attempt", "3", "urgent", "true", "ratio", "~0\\.\\d+")));

        assertThat(classOf(c, "{\"attempt\":3,\"urgent\":true,\"ratio\":0.25}")).isEqualTo("urgent");
        assertThat(classOf(c, "{\"attempt\":\"3\",\"urgent\":\"true\",\"ratio\":\"0.25\"}"))
                .as("a string holding the same text matches too").isEqualTo("urgent");
        assertThat(classOf(c, "{\"attempt\":4,\"urgent\":true,\"ratio\":0.25}")).isEqualTo("general");
        assertThat(classOf(c, "{\"attempt\":3,\"urgent\":false,\"ratio\":0.25}")).isEqualTo("general");
    }

    @Test
    void numbersReadAsAParsedTreeRendersThem() {
        String numbers = "{\"a\":7,\"b\":-0,\"c\":2.50,\"d\":1e3,\"e\":12345678901234567890123}";
        assertThat(read(numbers, "a", "b", "c", "d", "e"))
                .containsExactly("7", "0", "2.5", "1000.0", "12345678901234567890123");
        var tree = Json.mapper().createObjectNode().put("c", 2.50).put("d", 1e3);
        assertThat(read(tree.toString(), "c", "d")).as("so object content reads as its JSON text does")
                .containsExactly("2.5", "1000.0");
    }

    @Test
    void nullObjectsAndArraysHaveNoValue() {
        assertThat(read("{\"n\":null,\"o\":{\"x\":1},\"a\":[\"fetch\"],\"s\":\"\"}", "n", "o", "a", "a.0", "s", "gone"))
                .containsExactly(null, null, null, null, "", null);
        RuleClassifier c = compile(fields("any", Map.of("tags", "~(?s).*")));
        assertThat(classOf(c, "{\"tags\":[\"a\",\"b\"]}")).as("arrays are never matched").isEqualTo("general");
        assertThat(classOf(c, "{\"tags\":null}")).isEqualTo("general");
        assertThat(classOf(c, "{\"tags\":\"a\\nb\"}")).as("~(?s).* matches any value that is there")
                .isEqualTo("any");
    }

    @Test
    void repeatedKeysCountTheLastOneAsAParsedTreeDoes() {
        assertThat(read("{\"command\":\"stop\",\"command\":\"fetch\"}", "command")).containsExactly("fetch");
        assertThat(read("{\"meta\":{\"source\":\"a\"},\"meta\":5}", "meta", "meta.source")).containsExactly("5", null);
    }

    @Test
    void contentThatIsNotOneJsonObjectNeverMatchesAFieldRule() {
        RuleClassifier c = compile(fields("fetch", Map.of("command", "fetch")),
                new ClassConfig("words", Priority.NORMAL, null, List.of("fetch"), null, null, null, null));

        for (String text : List.of("fetch the news", "", "   ", "[{\"command\":\"fetch\"}]", "\"fetch\"",
                "{\"command\":\"fetch\"", "{\"command\":\"fetch\"} trailing", "{\"command\":\"fetch\"}{}",
                "{command: fetch}", "{\"command\":\"fetch\",}", "x{\"command\":\"fetch\"}")) {
            assertThat(c.classify(Envelope.ofText(text)).matched()).as(text)
                    .noneMatch(m -> m.className().equals("fetch"));
        }
        assertThat(classOf(c, " \n\t{\"command\":\"fetch\"}\r\n")).as("whitespace around the object is fine")
                .isEqualTo("fetch");
    }

    @Test
    void deeplyNestedOrHugeContentIsJustNotMatched() {
        String deep = "{\"a\":" + "[".repeat(5_000) + "]".repeat(5_000) + ",\"command\":\"fetch\"}";
        String longNumber = "{\"command\":\"fetch\",\"n\":" + "9".repeat(5_000) + "}";

        assertThat(read(deep, "command")).isNull();
        assertThat(read(longNumber, "command")).isNull();
    }

    @Test
    void fieldsAddToPatternsKeywordsAndMetadataAsOneMoreCondition() {
        RuleClassifier c = compile(new ClassConfig("vip", Priority.HIGH, null, List.of("fetch"),
                Map.of("tenant", "acme"), Map.of("chat", "~@ru_.*"), null, null));

        assertThat(c.classify(withMetadata(SEED, "tenant", "acme")).matched())
                .containsExactly(new MatchedRule("vip#0", "vip", 1, "fetch"));
        assertThat(c.classify(withMetadata(SEED, "tenant", "globex")).className()).isEqualTo("general");
        assertThat(c.classify(withMetadata(SEED.replace("\"fetch\"", "\"get\""), "tenant", "acme")).className())
                .as("the keyword is still needed").isEqualTo("general");
    }

    @Test
    void ruleWithOnlyFieldsIsExplainedByEachFieldAndItsValue() {
        RuleClassifier c = compile(
                new ClassConfig("fetch", Priority.NORMAL, null, null, null, null, null, List.of(
                        new RuleConfig("seed", null, null, Map.of("ingress", "redis-list"),
                                Map.of("command", "fetch", "chat", "~@.*"), 5))));

        Classification result = c.classify(withMetadata(SEED, "ingress", "redis-list"));

        assertThat(result.matched()).containsExactly(
                new MatchedRule("seed", "fetch", 5, "ingress,chat=@ru_python,command=fetch"));
        String longChat = "@" + "x".repeat(100);
        assertThat(c.classify(withMetadata(SEED.replace("@ru_python", longChat), "ingress", "redis-list")).matched()
                .getFirst().matched())
                .isEqualTo("ingress,chat=" + longChat.substring(0, 64) + "…,command=fetch");
    }

    @Test
    void objectContentMatchesAsItsJsonTextDoes() throws Exception {
        RuleClassifier c = compile(fields("fetch", Map.of("command", "fetch", "meta.n", "2")));
        String json = "{\"command\":\"fetch\",\"meta\":{\"n\":2}}";
        var content = Json.mapper().readTree(json);

        Classification asObject = c.classify(new Envelope(content, Map.of(), null, null, null, null));

        assertThat(asObject.className()).isEqualTo("fetch");
        assertThat(asObject).isEqualTo(c.classify(Envelope.ofText(json)));
    }

    @Test
    void fieldRulesRankAgainstTextRulesByScore() {
        RuleClassifier c = compile(
                new ClassConfig("strategic", Priority.HIGH, null, List.of("strategy"), null, null, 2, null),
                new ClassConfig("fetch", Priority.NORMAL, null, null, null, Map.of("command", "fetch"), 3, null));

        Classification result = c.classify(Envelope.ofText(SEED));

        assertThat(result.className()).isEqualTo("fetch");
        assertThat(result.matched()).extracting(MatchedRule::className).containsExactly("fetch", "strategic");
    }
}
