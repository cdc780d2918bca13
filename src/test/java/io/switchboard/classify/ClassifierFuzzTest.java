package io.switchboard.classify;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.switchboard.config.ClassConfig;
import io.switchboard.config.RuleConfig;
import io.switchboard.message.Envelope;
import io.switchboard.message.Json;
import io.switchboard.message.Priority;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compiled classifier, cached or not, decides any content exactly as {@link NaiveClassifier} does, every time,
 * without an exception and without stopping a search at the regex budget. The rules are a realistic set: word
 * alternations, keywords, metadata, field matchers, lookaround and anchors. The input is the text; its first line
 * also gives metadata ({@code tier=fast;channel=api}), and text that is a JSON object is tried as object content
 * too. Without {@code JAZZER_FUZZ} the inputs under {@code ClassifierFuzzTestInputs/} run as plain tests.
 */
class ClassifierFuzzTest {

    static final List<ClassConfig> CLASSES = List.of(
            new ClassConfig("strategic", Priority.HIGH,
                    List.of("(?i)\\b(strategy|strategic|plan|planning|analy[sz]e|analysis|architecture|long-term|trade-?offs?)\\b"),
                    List.of("what should we", "why did", "roadmap", "evaluate"), null, null,
                    List.of(new RuleConfig("urgent", null, List.of("urgent", "emergency", "incident", "outage"), null, 10))),
            new ClassConfig("fetch", Priority.NORMAL, null, null, null, Map.of("command", "fetch", "chat", "~@ru_\\w+"), 5,
                    List.of(new RuleConfig("by-date", null, null, null,
                            Map.of("command", "fetch", "mode", "date", "meta.source", "~sched.*"), 20))),
            new ClassConfig("code", Priority.NORMAL,
                    List.of("```[a-z]*\\n", "\\b[A-Z][a-zA-Z]+Exception\\b", "(?m)^\\s*(def|class|fn|func)\\s+\\w+",
                            "(?<!not )\\bdeploy\\b"),
                    List.of("stack trace", "segfault"), null, null, null),
            new ClassConfig("ticket", Priority.LOW, List.of("(?i)\\bticket[- #]?\\d{3,6}\\b"), null,
                    Map.of("channel", "api|web"), 3, null),
            new ClassConfig("tactical", Priority.NORMAL, List.of("(?i)\\b(press|move|next|click|tap|go)\\b"), null, null,
                    null, List.of(new RuleConfig("pinned-fast", null, null, Map.of("tier", "fast"), 100))));

    static final RuleClassifier FAST = Classifier.compile(CLASSES, "general", Priority.LOW, 0);
    static final RuleClassifier CACHED = Classifier.compile(CLASSES, "general", Priority.LOW, 64);
    static final NaiveClassifier NAIVE = new NaiveClassifier(CLASSES, "general", Priority.LOW);

    @FuzzTest(maxDuration = "10s")
    void anyContentIsClassifiedExactlyAsTheNaiveReference(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        for (Envelope envelope : envelopes(text)) {
            Classification expected = NAIVE.classify(envelope);
            assertThat(FAST.classify(envelope)).as("uncached").isEqualTo(expected);
            assertThat(FAST.classify(envelope)).as("uncached, again").isEqualTo(expected);
            assertThat(CACHED.classify(envelope)).as("cached").isEqualTo(expected);
            assertThat(CACHED.classify(envelope)).as("cached, again").isEqualTo(expected);
        }
        assertThat(FAST.regexSearchesStopped() + CACHED.regexSearchesStopped()).isZero();
    }

    /** The text alone; with metadata from its first line; and, when it is a JSON object, as object content. */
    static List<Envelope> envelopes(String text) {
        List<Envelope> out = new ArrayList<>();
        out.add(Envelope.ofText(text));
        out.add(new Envelope(TextNode.valueOf(text), metadata(text.lines().findFirst().orElse("")), null, null, null, null));
        try {
            JsonNode tree = Json.mapper().readTree(text);
            if (tree != null && tree.isObject()) {
                out.add(new Envelope(tree, Map.of(), null, null, null, null));
            }
        } catch (JacksonException e) {
            // not JSON: text only
        }
        return out;
    }

    private static Map<String, String> metadata(String line) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : line.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return out;
    }
}
