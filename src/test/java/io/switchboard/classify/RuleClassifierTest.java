package io.switchboard.classify;

import io.switchboard.config.ClassConfig;
import io.switchboard.config.InvalidValueException;
import io.switchboard.config.RuleConfig;
import io.switchboard.message.Envelope;
import io.switchboard.message.Priority;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuleClassifierTest {

    private static ClassConfig patterns(String name, Priority priority, String... regexes) {
        return new ClassConfig(name, priority, List.of(regexes), null, null, null, null);
    }

    private static ClassConfig withRules(String name, Priority priority, RuleConfig... rules) {
        return new ClassConfig(name, priority, null, null, null, null, List.of(rules));
    }

    private static RuleConfig keywords(String name, int score, String... words) {
        return new RuleConfig(name, null, List.of(words), null, score);
    }

    private static RuleClassifier compile(ClassConfig... classes) {
        return Classifier.compile(List.of(classes), "tactical", Priority.LOW, 0);
    }

    private static Envelope text(String text, Map<String, String> metadata) {
        return new Envelope(TextNode.valueOf(text), metadata, null, null, null, null);
    }

    @Test
    void productExampleRoutesPlanningToStrategicAndTheRestToTheDefault() {
        RuleClassifier c = compile(
                patterns("strategic", Priority.HIGH, "(?i)\\b(strategy|plan|analy[sz]e)\\b"),
                patterns("tactical", Priority.NORMAL, "(?i)\\b(press|move|next)\\b"));

        Classification planned = c.classify(Envelope.ofText("Please ANALYSE the market"));
        assertThat(planned.className()).isEqualTo("strategic");
        assertThat(planned.priority()).isEqualTo(Priority.HIGH);
        assertThat(planned.source()).isEqualTo(Classification.Source.RULE);
        assertThat(planned.matched()).containsExactly(new MatchedRule("strategic#0", "strategic", 1, "ANALYSE"));

        Classification other = c.classify(Envelope.ofText("hello there"));
        assertThat(other.className()).isEqualTo("tactical");
        assertThat(other.source()).isEqualTo(Classification.Source.DEFAULT);
        assertThat(other.priority()).as("a declared default class keeps its own priority").isEqualTo(Priority.NORMAL);
        assertThat(other.matched()).isEmpty();
    }

    @Test
    void higherScoreWinsEvenWhenDeclaredLater() {
        RuleClassifier c = compile(
                withRules("first", Priority.LOW, keywords("weak", 1, "deploy")),
                withRules("second", Priority.HIGH, keywords("strong", 5, "production")));

        Classification result = c.classify(Envelope.ofText("deploy to production"));

        assertThat(result.className()).isEqualTo("second");
        assertThat(result.matched()).extracting(MatchedRule::rule).containsExactly("strong", "weak");
    }

    @Test
    void equalScoresGoToTheRuleDeclaredFirstAcrossAndWithinClasses() {
        RuleClassifier c = compile(
                withRules("alpha", Priority.LOW, keywords("a1", 2, "zebra"), keywords("a2", 3, "lion")),
                withRules("beta", Priority.LOW, keywords("b1", 3, "zebra")));

        Classification result = c.classify(Envelope.ofText("a zebra and a lion"));

        assertThat(result.className()).isEqualTo("alpha");
        assertThat(result.matched()).extracting(MatchedRule::rule).containsExactly("a2", "b1", "a1");
    }

    @Test
    void noMatchingRuleGivesTheDefaultClassWithTheGivenPriorityWhenItIsNotDeclared() {
        RuleClassifier c = Classifier.compile(List.of(patterns("strategic", Priority.HIGH, "plan")),
                "fallback", Priority.LOW, 0);

        Classification result = c.classify(Envelope.ofText("nothing relevant"));

        assertThat(result).isEqualTo(new Classification("fallback", Priority.LOW, Classification.Source.DEFAULT, List.of()));
        assertThat(c.classNames()).containsExactly("strategic", "fallback");
        assertThat(c.defaultClass()).isEqualTo("fallback");
    }

    @Test
    void explicitClassWinsOverRulesAndKeepsItsClassPriority() {
        RuleClassifier c = compile(patterns("strategic", Priority.HIGH, "plan"), patterns("bulk", Priority.LOW, "zzz"));

        Classification result = c.classify(new Envelope(TextNode.valueOf("a plan"), Map.of(), "bulk", null, null, null));

        assertThat(result).isEqualTo(new Classification("bulk", Priority.LOW, Classification.Source.EXPLICIT, List.of()));
    }

    @Test
    void explicitClassWithoutRulesIsAcceptedWhenItIsTheDefault() {
        RuleClassifier c = compile(patterns("strategic", Priority.HIGH, "plan"));

        Classification result = c.classify(new Envelope(TextNode.valueOf("a plan"), Map.of(), "tactical", null, null, null));

        assertThat(result.className()).isEqualTo("tactical");
        assertThat(result.priority()).isEqualTo(Priority.LOW);
        assertThat(result.source()).isEqualTo(Classification.Source.EXPLICIT);
    }

    @Test
    void unknownExplicitClassIsReportedByKnowsAndRejectedByClassify() {
        RuleClassifier c = compile(patterns("strategic", Priority.HIGH, "plan"));

        assertThat(c.knows("strategic")).isTrue();
        assertThat(c.knows("tactical")).isTrue();
        assertThat(c.knows("urgent")).isFalse();
        assertThatThrownBy(() -> c.classify(new Envelope(TextNode.valueOf("x"), Map.of(), "urgent", null, null, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("urgent");
    }

    @Test
    void explicitPriorityOverridesTheClassPriorityForRuleDefaultAndExplicitClasses() {
        RuleClassifier c = compile(patterns("strategic", Priority.HIGH, "plan"));

        assertThat(c.classify(new Envelope(TextNode.valueOf("a plan"), Map.of(), null, Priority.CRITICAL, null, null)).priority())
                .isEqualTo(Priority.CRITICAL);
        assertThat(c.classify(new Envelope(TextNode.valueOf("other"), Map.of(), null, Priority.HIGH, null, null)).priority())
                .isEqualTo(Priority.HIGH);
        assertThat(c.classify(new Envelope(TextNode.valueOf("x"), Map.of(), "strategic", Priority.LOW, null, null)).priority())
                .isEqualTo(Priority.LOW);
    }

    @Test
    void metadataMatchersMustAllFullyMatchAndAMissingKeyNeverMatches() {
        RuleClassifier c = compile(withRules("vip", Priority.CRITICAL,
                new RuleConfig("vip-tenant", null, List.of("invoice"), Map.of("tenant", "acme|globex", "tier", "gold"), 1)));

        assertThat(c.classify(text("invoice overdue", Map.of("tenant", "acme", "tier", "gold"))).className()).isEqualTo("vip");
        assertThat(c.classify(text("invoice overdue", Map.of("tenant", "acme-eu", "tier", "gold"))).className())
                .as("the value must match in full").isEqualTo("tactical");
        assertThat(c.classify(text("invoice overdue", Map.of("tenant", "acme"))).className())
                .as("a missing key does not match").isEqualTo("tactical");
        assertThat(c.classify(text("nothing to pay", Map.of("tenant", "acme", "tier", "gold"))).className())
                .as("metadata alone is not enough when the rule has keywords").isEqualTo("tactical");
    }

    @Test
    void ruleWithOnlyMetadataMatchesAnyTextAndNamesItsKeys() {
        RuleClassifier c = compile(withRules("sensors", Priority.NORMAL,
                new RuleConfig(null, null, null, Map.of("source", "mqtt", "device", "th-\\d+"), 1)));

        Classification result = c.classify(text("{\"t\": 21.5}", Map.of("source", "mqtt", "device", "th-7")));

        assertThat(result.className()).isEqualTo("sensors");
        assertThat(result.matched()).containsExactly(new MatchedRule("sensors#0", "sensors", 1, "device,source"));
    }

    @Test
    void keywordsMatchCaseInsensitivelyOnWholeWordsOnly() {
        RuleClassifier c = compile(withRules("strategic", Priority.HIGH, keywords("k", 1, "plan")));

        assertThat(c.classify(Envelope.ofText("here is a plan.")).className()).isEqualTo("strategic");
        assertThat(c.classify(Envelope.ofText("PLAN: go")).className()).isEqualTo("strategic");
        assertThat(c.classify(Envelope.ofText("(plan)")).className()).isEqualTo("strategic");
        assertThat(c.classify(Envelope.ofText("the planet")).className()).isEqualTo("tactical");
        assertThat(c.classify(Envelope.ofText("explanation")).className()).isEqualTo("tactical");
        assertThat(c.classify(Envelope.ofText("plan_b")).className()).as("underscore is a word character").isEqualTo("tactical");
        assertThat(c.classify(Envelope.ofText("plané")).className()).as("letters beyond ASCII are word characters")
                .isEqualTo("tactical");
    }

    @Test
    void keywordPhrasesAndPunctuatedKeywordsMatchAsWritten() {
        RuleClassifier c = compile(withRules("dev", Priority.NORMAL, keywords("k", 1, "next move", "c++", ".net")));

        assertThat(c.classify(Envelope.ofText("what is the Next Move?")).matched()).extracting(MatchedRule::matched)
                .containsExactly("next move");
        assertThat(c.classify(Envelope.ofText("port it from c++11")).className()).isEqualTo("dev");
        assertThat(c.classify(Envelope.ofText("an asp.net app")).className()).isEqualTo("dev");
        assertThat(c.classify(Envelope.ofText("the next moves")).className()).isEqualTo("tactical");
    }

    @Test
    void matchedRulesListEveryMatchBestFirstWithWhatMatched() {
        String longRun = "x".repeat(100);
        RuleClassifier c = compile(
                withRules("ops", Priority.NORMAL,
                        new RuleConfig("pager", List.of("x{80,}"), null, null, 2),
                        keywords("words", 4, "outage", "incident")),
                withRules("billing", Priority.LOW, new RuleConfig("money", List.of("\\$\\d+"), null, null, 3)));

        Classification result = c.classify(Envelope.ofText("Incident: $250 lost, outage " + longRun));

        assertThat(result.className()).isEqualTo("ops");
        assertThat(result.matched()).containsExactly(
                new MatchedRule("words", "ops", 4, "outage"),
                new MatchedRule("money", "billing", 3, "$250"),
                new MatchedRule("pager", "ops", 2, "x".repeat(64) + "…"));
    }

    @Test
    void patternsUseFindSoTheyMatchAnywhereInTheText() {
        RuleClassifier c = compile(patterns("ticket", Priority.NORMAL, "[A-Z]{2,5}-\\d+"));

        Classification result = c.classify(Envelope.ofText("see OPS-1234 for details"));

        assertThat(result.matched()).extracting(MatchedRule::matched).containsExactly("OPS-1234");
    }

    @Test
    void objectContentIsMatchedThroughItsJsonForm() {
        RuleClassifier c = compile(patterns("fetch", Priority.NORMAL, "\"command\":\"fetch\""));
        var content = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("command", "fetch");

        assertThat(c.classify(new Envelope(content, Map.of(), null, null, null, null)).className()).isEqualTo("fetch");
    }

    @Test
    void duplicateClassNamesAndAMissingDefaultAreRejected() {
        assertThatThrownBy(() -> compile(patterns("a", Priority.LOW, "x"), patterns("a", Priority.LOW, "y")))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.key()).isEqualTo("classes[1].name"));
        assertThatThrownBy(() -> Classifier.compile(List.of(), " ", Priority.LOW))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.key()).isEqualTo("default_class"));
    }

    @Test
    void patternWithoutAnyLiteralRunsOnEveryMessage() {
        RuleClassifier c = compile(patterns("digits", Priority.NORMAL, "\\d{6,}"), patterns("kw", Priority.NORMAL, "plan"));

        assertThat(RequiredLiterals.of("\\d{6,}")).isNull();
        assertThat(c.classify(Envelope.ofText("order 12345678")).className()).isEqualTo("digits");
        assertThat(c.classify(Envelope.ofText("order 12345")).className()).isEqualTo("tactical");
    }

    @Test
    void patternMadeMostlyOfClassesIsFilteredOnItsOneLiteralAndStillMatches() {
        RuleClassifier c = compile(patterns("phone", Priority.NORMAL, "\\d{3}-\\d{4}"));

        assertThat(RequiredLiterals.of("\\d{3}-\\d{4}").literals()).containsExactly("-");
        assertThat(c.classify(Envelope.ofText("call 555-1234")).className()).isEqualTo("phone");
        assertThat(c.classify(Envelope.ofText("call 555 1234 - or not")).className()).isEqualTo("tactical");
    }
}
