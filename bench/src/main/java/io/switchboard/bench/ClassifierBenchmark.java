package io.switchboard.bench;

import io.switchboard.classify.Classification;
import io.switchboard.classify.Classifier;
import io.switchboard.message.Envelope;
import io.switchboard.message.Priority;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.TimeUnit;

/**
 * Classifying one envelope: rule sets of 20 and 200 rules (keyword lists, word-alternation and identifier regexes,
 * metadata rules), texts of 200 and 4096 characters of which about a third carry a rule's trigger.
 * {@code cache=hit} repeats a pool of envelopes through a warmed result cache; {@code cache=miss} compiles the same
 * rules without a cache, so every call evaluates the rules.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public class ClassifierBenchmark {

    /** Envelopes in rotation; a power of two so the index is a mask. */
    private static final int POOL = 512;

    @Param({"20", "200"})
    public int rules;

    @Param({"200", "4096"})
    public int size;

    @Param({"hit", "miss"})
    public String cache;

    private Classifier classifier;
    private Envelope[] envelopes;
    private int next;

    @Setup
    public void setUp() {
        Corpus.RuleSet ruleSet = Corpus.rules(rules, 0x5EED_0001L);
        long cacheSize = switch (cache) {
            case "hit" -> Classifier.DEFAULT_CACHE_SIZE;
            case "miss" -> 0;
            default -> throw new IllegalArgumentException("cache must be hit or miss, was " + cache);
        };
        classifier = Classifier.compile(ruleSet.classes(), "general", Priority.NORMAL, cacheSize);
        envelopes = Corpus.envelopes(ruleSet, POOL, size, 0x5EED_0002L + size);
        for (Envelope e : envelopes) {
            classifier.classify(e);
        }
    }

    @Benchmark
    public Classification classify() {
        return classifier.classify(envelopes[next++ & (POOL - 1)]);
    }
}
