package io.switchboard.classify;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.TextNode;
import io.switchboard.config.ClassConfig;
import io.switchboard.config.RuleConfig;
import io.switchboard.message.Envelope;
import io.switchboard.message.Priority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No pattern can hold a request thread: a search that backtracks past its bound stops, counts as no match, is counted
 * and logged once, and the other rules still decide. Comments mode ({@code (?x)}) hides the nesting from the load-time
 * check, which is how these catastrophic patterns get this far.
 */
@Timeout(60)
class RegexBudgetTest {

    /** Twelve nested ways to split a run of commas without the final x: billions of steps without the bound. */
    static final String CATASTROPHIC = "(?x) ( .* , ){12} x";
    static final String NEAR_MISS = ",".repeat(40);

    final Logger logger = (Logger) LoggerFactory.getLogger(RegexBudget.class);
    final ListAppender<ILoggingEvent> warnings = new ListAppender<>();

    @BeforeEach
    void capture() {
        warnings.start();
        logger.addAppender(warnings);
    }

    @AfterEach
    void release() {
        logger.detachAppender(warnings);
    }

    private static RuleClassifier compile(long cacheSize, ClassConfig... classes) {
        return Classifier.compile(List.of(classes), "general", Priority.LOW, cacheSize);
    }

    @Test
    void catastrophicPatternIsStoppedCountedAndLoggedOnceWhileOtherRulesStillDecide() {
        RuleClassifier c = compile(0,
                new ClassConfig("slow", Priority.HIGH, List.of(CATASTROPHIC), null, null, null, null),
                new ClassConfig("chat", Priority.NORMAL, null, List.of("hello"), null, null, null));

        Classification first = c.classify(Envelope.ofText("hello " + NEAR_MISS));
        Classification second = c.classify(Envelope.ofText(NEAR_MISS + " hello again"));

        assertThat(first.className()).isEqualTo("chat");
        assertThat(second.className()).isEqualTo("chat");
        assertThat(c.regexSearchesStopped()).isEqualTo(2);
        assertThat(warnings.list).singleElement().satisfies(w -> {
            assertThat(w.getLevel()).isEqualTo(Level.WARN);
            assertThat(w.getKeyValuePairs()).anySatisfy(kv -> {
                assertThat(kv.key).isEqualTo("key");
                assertThat(kv.value).isEqualTo("classes[0].patterns[0]");
            });
        });
        assertThat(c.classify(Envelope.ofText(",".repeat(12) + "x")).className()).as("it still matches where it can").isEqualTo("slow");
    }

    @Test
    void metadataAndFieldMatchersAreBoundedToo() {
        RuleClassifier c = compile(16,
                new ClassConfig("tenant", Priority.HIGH, null, null, null, null,
                        List.of(new RuleConfig("premium", null, null, Map.of("tier", CATASTROPHIC), 5),
                                new RuleConfig("chat", null, null, null, Map.of("chat", "~" + CATASTROPHIC), 5))));

        var byMetadata = new Envelope(TextNode.valueOf("hi"), Map.of("tier", NEAR_MISS), null, null, null, null);
        var byField = Envelope.ofText("{\"chat\":\"" + NEAR_MISS + "\"}");

        assertThat(c.classify(byMetadata).className()).isEqualTo("general");
        assertThat(c.classify(byField).className()).isEqualTo("general");
        assertThat(c.regexSearchesStopped()).isEqualTo(2);
        assertThat(warnings.list).extracting(w -> w.getKeyValuePairs().stream()
                        .filter(kv -> kv.key.equals("key")).findFirst().orElseThrow().value)
                .containsExactly("classes[0].rules[0].metadata.tier", "classes[0].rules[1].fields.chat");
    }

    @Test
    void linearPatternsOnLongTextsStayWithinTheBound() {
        String words = "the quick brown fox jumps over the lazy dog and we should plan it ".repeat(20_000);
        RuleClassifier c = compile(0,
                new ClassConfig("greek", Priority.NORMAL, List.of("(?i)(alpha|beta|gamma|delta|epsilon|zeta|eta|theta"
                        + "|iota|kappa|lambda|mu|nu|xi|omicron|pi|rho|sigma|tau|upsilon|phi|chi|psi|omega)x"),
                        null, null, null, null),
                new ClassConfig("mail", Priority.NORMAL, List.of("\\b\\w+@\\w+\\.com\\b"), null, null, null, null),
                new ClassConfig("strategic", Priority.NORMAL,
                        List.of("(?i)\\b(strategy|planning|analy[sz]e|architecture)\\b\\s+\\w+\\s+budget"),
                        null, null, null, null));

        assertThat(c.classify(Envelope.ofText(words)).className()).isEqualTo("general");
        assertThat(c.regexSearchesStopped()).isZero();
        assertThat(warnings.list).isEmpty();
    }
}
