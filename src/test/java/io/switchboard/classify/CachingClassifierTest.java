package io.switchboard.classify;

import io.switchboard.config.ClassConfig;
import io.switchboard.config.RuleConfig;
import io.switchboard.message.Envelope;
import io.switchboard.message.Json;
import io.switchboard.message.Priority;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CachingClassifierTest {

    private static final List<ClassConfig> CLASSES = List.of(
            new ClassConfig("vip", Priority.CRITICAL, null, List.of("invoice"), Map.of("tenant", "acme"), 5, null),
            new ClassConfig("strategic", Priority.HIGH, List.of("(?i)\\bplan\\b"), null, null, null, null));

    private final RuleClassifier classifier = Classifier.compile(CLASSES, "tactical", Priority.NORMAL, 100);

    private static Envelope envelope(String text, Map<String, String> metadata, String className, Priority priority) {
        return new Envelope(TextNode.valueOf(text), metadata, className, priority, null, null);
    }

    @Test
    void sameContentIsAnsweredFromTheCacheWithTheSameResult() {
        String text = "a plan";
        Classification first = classifier.classify(envelope(text, Map.of(), null, null));
        Classification second = classifier.classify(envelope(new String(text.toCharArray()), Map.of(), null, null));

        assertThat(second).isEqualTo(first);
        assertThat(first.className()).isEqualTo("strategic");
        assertThat(classifier.cacheStats().hitCount()).isEqualTo(1);
        assertThat(classifier.cacheStats().missCount()).isEqualTo(1);
    }

    @Test
    void longTextsAreCachedByHashAndStillTellDifferentTextsApart() {
        String filler = "lorem ipsum ".repeat(400);
        Classification planned = classifier.classify(envelope(filler + "the plan", Map.of(), null, null));
        Classification other = classifier.classify(envelope(filler + "the plat", Map.of(), null, null));
        Classification plannedAgain = classifier.classify(envelope(filler + "the plan", Map.of(), null, null));

        assertThat(planned.className()).isEqualTo("strategic");
        assertThat(other.className()).isEqualTo("tactical");
        assertThat(plannedAgain).isEqualTo(planned);
        assertThat(classifier.cacheStats().hitCount()).isEqualTo(1);
        assertThat(ContentKey.of(filler, Map.of(), new String[0])).isInstanceOf(ContentKey.Hashed.class);
    }

    @Test
    void metadataThatRulesTestIsPartOfTheKey() {
        Classification acme = classifier.classify(envelope("invoice due", Map.of("tenant", "acme"), null, null));
        Classification globex = classifier.classify(envelope("invoice due", Map.of("tenant", "globex"), null, null));
        Classification none = classifier.classify(envelope("invoice due", Map.of(), null, null));

        assertThat(acme.className()).isEqualTo("vip");
        assertThat(globex.className()).isEqualTo("tactical");
        assertThat(none.className()).isEqualTo("tactical");
        assertThat(classifier.cacheStats().hitCount()).isZero();
    }

    @Test
    void metadataThatNoRuleTestsDoesNotSplitTheCache() {
        classifier.classify(envelope("a plan", Map.of("request", "1"), null, null));
        Classification second = classifier.classify(envelope("a plan", Map.of("request", "2"), null, null));

        assertThat(second.className()).isEqualTo("strategic");
        assertThat(classifier.cacheStats().hitCount()).isEqualTo(1);
    }

    @Test
    void fieldRulesAreCachedByContentAndStillTellDifferentFieldsApart() throws Exception {
        RuleClassifier c = Classifier.compile(List.of(new ClassConfig("fetch", Priority.NORMAL, null, null, null,
                Map.of("command", "fetch"), null, null)), "general", Priority.NORMAL, 100);
        String padding = ",\"note\":\"" + "x".repeat(300) + "\"}";
        String fetch = "{\"command\":\"fetch\"" + padding;
        String stop = "{\"command\":\"stop\"" + padding;

        Classification first = c.classify(Envelope.ofText(fetch));
        Classification other = c.classify(Envelope.ofText(stop));
        Classification asObject = c.classify(new Envelope(Json.mapper().readTree(fetch), Map.of(), null, null, null,
                null));

        assertThat(first.className()).isEqualTo("fetch");
        assertThat(other.className()).isEqualTo("general");
        assertThat(asObject).as("object content has the same text, so the same entry").isEqualTo(first);
        assertThat(c.cacheStats().hitCount()).isEqualTo(1);
        assertThat(ContentKey.of(fetch, Map.of(), new String[0])).isInstanceOf(ContentKey.Hashed.class);
    }

    @Test
    void explicitPriorityIsAppliedToACachedResultWithoutChangingTheEntry() {
        Classification urgent = classifier.classify(envelope("a plan", Map.of(), null, Priority.CRITICAL));
        Classification plain = classifier.classify(envelope("a plan", Map.of(), null, null));

        assertThat(urgent.priority()).isEqualTo(Priority.CRITICAL);
        assertThat(plain.priority()).isEqualTo(Priority.HIGH);
        assertThat(classifier.cacheStats().hitCount()).isEqualTo(1);
    }

    @Test
    void explicitClassBypassesTheCache() {
        Classification result = classifier.classify(envelope("a plan", Map.of(), "tactical", null));

        assertThat(result.source()).isEqualTo(Classification.Source.EXPLICIT);
        assertThat(classifier.cacheStats().requestCount()).isZero();
    }

    @Test
    void cacheStaysWithinItsBound() {
        CachingClassifier small = new CachingClassifier(
                RuleSetCompiler.compile(List.of(new ClassConfig("c", Priority.LOW, null, List.of("x"), null, null, null)),
                        "d", Priority.LOW), 10);
        for (int i = 0; i < 1_000; i++) {
            small.classify(Envelope.ofText("message " + i));
        }

        assertThat(small.cachedEntries()).isLessThanOrEqualTo(10);
    }

    @Test
    void keyEncodingKeepsMetadataValuesUnambiguous() {
        String[] keys = {"a", "b"};
        Object split1 = ContentKey.of("t", Map.of("a", "1:2", "b", "3"), keys);
        Object split2 = ContentKey.of("t", Map.of("a", "1", "b", "2:3"), keys);
        Object missing = ContentKey.of("t", Map.of("b", "3"), keys);
        Object empty = ContentKey.of("t", Map.of("a", "", "b", "3"), keys);

        assertThat(List.of(split1, split2, missing, empty)).doesNotHaveDuplicates();
        assertThat(ContentKey.of("t", Map.of("a", "1:2", "b", "3", "z", "ignored"), keys)).isEqualTo(split1);
    }

    @Test
    void contentHashIsMurmur3Over128BitsOfTheUtf16Text() {
        // Reference values: MurmurHash3 x64-128, seed 0, over the UTF-16LE bytes (Guava's hashUnencodedChars).
        assertThat(ContentKey.murmur3("The quick brown fox jumps over the lazy dog"))
                .containsExactly(0xc0026631b551ae4cL, 0xe75f3e8442567c1cL);
        assertThat(ContentKey.murmur3("Straße😀")).containsExactly(0x977777194655769fL, 0x2b1c71ccc861a577L);
        assertThat(ContentKey.murmur3("")).containsExactly(0L, 0L);
    }

    @Test
    void uncachedClassifierReportsEmptyStats() {
        RuleClassifier uncached = Classifier.compile(CLASSES, "tactical", Priority.NORMAL, 0);
        uncached.classify(Envelope.ofText("a plan"));

        assertThat(uncached.cacheStats().requestCount()).isZero();
    }
}
