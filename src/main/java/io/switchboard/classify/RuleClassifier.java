package io.switchboard.classify;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.switchboard.message.Envelope;

import java.util.Set;

/** A classifier compiled from configured classes and rules; knows which classes exist so callers can reject others. */
public interface RuleClassifier extends Classifier {

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the envelope names a class that {@link #knows} rejects; callers at the edge
     *                                  check first and answer the producer (422) instead
     */
    @Override
    Classification classify(Envelope envelope);

    /** Every class this classifier can assign, in configuration order, the default class included. */
    Set<String> classNames();

    /** Whether an explicit class in an envelope names a known class. */
    default boolean knows(String className) {
        return classNames().contains(className);
    }

    /** The class of messages that no rule matches. */
    String defaultClass();

    /** Hit and miss counts of the result cache; all zero when caching is off. */
    CacheStats cacheStats();

    /** Regex searches stopped at their work bound (and counted as no match) since compilation. */
    long regexSearchesStopped();
}
