package io.switchboard.classify;

import io.switchboard.config.ClassConfig;
import io.switchboard.config.RuleConfig;
import io.switchboard.message.Envelope;
import io.switchboard.message.Json;
import io.switchboard.message.Priority;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The prefilter, windowed searches and the streaming read of content fields are optimisations: they must never change
 * a result.
 */
class PrefilterEquivalenceTest {

    private static RandomGenerator seeded(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    @Test
    void everyMatchOfARegexContainsOneOfItsRequiredLiterals() {
        RandomRules gen = new RandomRules(seeded(7));
        int prefiltered = 0;
        int matchesChecked = 0;
        for (int i = 0; i < 3_000; i++) {
            String regex = gen.regex();
            RequiredLiterals.Prefilter prefilter = RequiredLiterals.of(regex);
            if (prefilter == null) {
                continue;
            }
            prefiltered++;
            Pattern pattern = Pattern.compile(regex);
            for (int t = 0; t < 30; t++) {
                String text = gen.text();
                Matcher m = pattern.matcher(text);
                while (m.find()) {
                    matchesChecked++;
                    String match = TextFold.fold(m.group());
                    assertThat(prefilter.literals()).as("regex %s matched %s in %s", regex, m.group(), text)
                            .anyMatch(match::contains);
                    if (prefilter.bounded()) {
                        assertThat(m.group().length()).as("regex %s", regex).isLessThanOrEqualTo(prefilter.maxLength());
                    }
                    if (m.end() == m.start() && m.end() < text.length()) {
                        m.region(m.end() + 1, text.length());
                    }
                }
            }
        }
        assertThat(prefiltered).as("enough generated regexes have literals to make this test meaningful").isGreaterThan(1_000);
        assertThat(matchesChecked).isGreaterThan(5_000);
    }

    @Test
    void compiledClassifierAgreesWithTheNaiveOneOnRandomRuleSetsAndTexts() throws Exception {
        RandomRules gen = new RandomRules(seeded(42));
        int ruleMatches = 0;
        int fieldMatches = 0;
        int comparisons = 0;
        for (int set = 0; set < 300; set++) {
            List<ClassConfig> classes = gen.classes();
            RuleClassifier fast = Classifier.compile(classes, "fallback", Priority.NORMAL, 0);
            NaiveClassifier naive = new NaiveClassifier(classes, "fallback", Priority.NORMAL);
            Set<String> withFields = classes.stream().flatMap(c -> c.allRules().stream())
                    .filter(r -> !r.fields().isEmpty()).map(RuleConfig::name).collect(Collectors.toSet());
            for (int t = 0; t < 80; t++) {
                Envelope envelope = new Envelope(content(gen, t), gen.metadata(), null, null, null, null);
                Classification expected = naive.classify(envelope);
                assertThat(fast.classify(envelope)).as("rules %s%ntext %s", classes, envelope.text()).isEqualTo(expected);
                ruleMatches += expected.matched().size();
                fieldMatches += (int) expected.matched().stream().filter(m -> withFields.contains(m.rule())).count();
                comparisons++;
            }
        }
        assertThat(ruleMatches).as("rules matched often enough to compare explanations").isGreaterThan(comparisons);
        assertThat(fieldMatches).as("rules with field matchers matched often enough").isGreaterThan(comparisons / 50);
    }

    /** Plain text, or a JSON object (sometimes malformed) as text, or as an object envelope's content. */
    private static JsonNode content(RandomRules gen, int t) throws Exception {
        if (t % 2 == 0) {
            return TextNode.valueOf(gen.text());
        }
        String document = gen.document();
        if (t % 4 == 1) {
            try {
                JsonNode tree = Json.mapper().readTree(document);
                if (tree != null && tree.isObject()) {
                    return tree;
                }
            } catch (JacksonException e) {
                // Not JSON: it goes in as text.
            }
        }
        return TextNode.valueOf(document);
    }

    @Test
    void manyOccurrencesOfALiteralStillFindTheLeftmostMatch() {
        List<ClassConfig> classes = List.of(new ClassConfig("c", Priority.NORMAL,
                List.of("(?i)\\bplan\\d\\b", "ab(?=x)"), null, null, null, null));
        RuleClassifier fast = Classifier.compile(classes, "fallback", Priority.NORMAL, 0);
        NaiveClassifier naive = new NaiveClassifier(classes, "fallback", Priority.NORMAL);
        for (String text : Set.of("planet ".repeat(40) + "PLAN7", "plan ".repeat(3) + "plan1 plan2", "ab".repeat(30) + "x",
                "plan".repeat(100) + " plan3", "xplan1 plan2")) {
            Envelope envelope = Envelope.ofText(text);
            assertThat(fast.classify(envelope)).as(text).isEqualTo(naive.classify(envelope));
            assertThat(fast.classify(envelope).source()).isEqualTo(Classification.Source.RULE);
        }
    }
}
