package io.switchboard.classify;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.switchboard.message.Envelope;

import java.util.Set;

/**
 * A bounded result cache in front of a rule set, keyed by content (see {@link ContentKey}); field matchers read the
 * content text alone, so the same key covers them. Envelopes with an explicit class bypass it. The cached value holds
 * the class's own priority; the envelope's explicit priority is applied per call, so one entry serves every priority.
 */
final class CachingClassifier implements RuleClassifier {

    private final RuleSetClassifier rules;
    private final Cache<Object, Classification> cache;

    CachingClassifier(RuleSetClassifier rules, long maximumSize) {
        if (maximumSize <= 0) {
            throw new IllegalArgumentException("maximumSize must be positive, got " + maximumSize);
        }
        this.rules = rules;
        this.cache = Caffeine.newBuilder().maximumSize(maximumSize).recordStats().build();
    }

    @Override
    public Classification classify(Envelope envelope) {
        if (envelope.className() != null) {
            return rules.explicit(envelope);
        }
        String text = envelope.text();
        Object key = ContentKey.of(text, envelope.metadata(), rules.metadataKeys());
        // getIfPresent/put rather than get(key, loader): a loader runs under a map lock, and a racing duplicate
        // computation is cheaper than making concurrent callers wait.
        Classification decided = cache.getIfPresent(key);
        if (decided == null) {
            decided = rules.decide(text, envelope.metadata());
            cache.put(key, decided);
        }
        return RuleSetClassifier.withPriority(decided, envelope.priority());
    }

    @Override
    public Set<String> classNames() {
        return rules.classNames();
    }

    @Override
    public String defaultClass() {
        return rules.defaultClass();
    }

    @Override
    public CacheStats cacheStats() {
        return cache.stats();
    }

    @Override
    public long regexSearchesStopped() {
        return rules.regexSearchesStopped();
    }

    /** The number of cached results, after pending maintenance; for tests. */
    long cachedEntries() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
