package io.switchboard.classify;

import io.switchboard.config.ClassConfig;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.message.Envelope;
import io.switchboard.message.Priority;

import java.util.List;

/** Decides the class and priority of an envelope. Implementations are thread-safe and never block. */
public interface Classifier {

    /** Default bound of the result cache. */
    long DEFAULT_CACHE_SIZE = 10_000;

    Classification classify(Envelope envelope);

    /**
     * Compiles classes into a classifier with a result cache of {@link #DEFAULT_CACHE_SIZE} entries.
     *
     * @param classes              the classes in configuration order; order breaks score ties
     * @param defaultClass         the class of messages no rule matches; it need not be among {@code classes}
     * @param defaultClassPriority the default class's priority when it is not among {@code classes}
     * @throws io.switchboard.config.InvalidValueException naming the key (e.g. {@code classes[2].patterns[0]}) of an
     *                                                     invalid regex, a duplicate class or a missing default class
     */
    static RuleClassifier compile(List<ClassConfig> classes, String defaultClass, Priority defaultClassPriority) {
        return compile(classes, defaultClass, defaultClassPriority, DEFAULT_CACHE_SIZE);
    }

    /** As {@link #compile(List, String, Priority)}, with a cache of at most {@code cacheSize} results (0 for none). */
    static RuleClassifier compile(List<ClassConfig> classes, String defaultClass, Priority defaultClassPriority,
                                  long cacheSize) {
        if (cacheSize < 0) {
            throw new IllegalArgumentException("cacheSize must not be negative, got " + cacheSize);
        }
        RuleSetClassifier rules = RuleSetCompiler.compile(classes, defaultClass, defaultClassPriority);
        return cacheSize == 0 ? rules : new CachingClassifier(rules, cacheSize);
    }

    /** The classifier a whole configuration describes; an undeclared default class gets {@link Priority#NORMAL}. */
    static RuleClassifier fromConfig(SwitchboardConfig config) {
        return compile(config.classes(), config.defaultClass(), Priority.NORMAL);
    }
}
