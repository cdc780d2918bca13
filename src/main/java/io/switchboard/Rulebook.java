package io.switchboard;

import io.switchboard.admission.ApiKeys;
import io.switchboard.admission.RateLimits;
import io.switchboard.classify.Classifier;
import io.switchboard.classify.RuleClassifier;
import io.switchboard.config.AuthConfig;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.route.RoutingTable;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The part of the engine a configuration reload may change: the classes and their rules, the default class, the
 * routes with their rate limits, and who may call the API. One edition is published whole through a volatile field, so
 * a request reads {@link #current()} once and is classified, routed and admitted by one version from start to end.
 */
public final class Rulebook {

    /**
     * One version of the rules.
     *
     * @param version    1 at start, one more for each reload that changed something
     * @param config     the whole configuration this edition came from
     * @param digest     the fingerprint of its reloadable sections ({@link io.switchboard.config.ConfigDigest}): the
     *                   same on every engine that runs these rules
     * @param rules      the compiled classifier (which classes exist, its cache, its regex bound)
     * @param classifier {@code rules} as the pipeline calls it, timed
     * @param loadedAt   when this edition was published, epoch milliseconds
     */
    public record Edition(long version, SwitchboardConfig config, String digest, RuleClassifier rules,
                          Classifier classifier,
                          RoutingTable routes, AuthConfig auth, ApiKeys keys, RateLimits limits, long loadedAt) {
    }

    private volatile Edition current;
    /** Regex searches stopped by classifiers already replaced, so that the counter over all of them never goes down. */
    private final AtomicLong retiredRegexStops = new AtomicLong();

    Rulebook(Edition first) {
        this.current = first;
    }

    public Edition current() {
        return current;
    }

    /** Publishes {@code next}; requests that already read the previous edition finish with it. */
    void publish(Edition next) {
        Edition before = current;
        current = next;
        retiredRegexStops.addAndGet(before.rules().regexSearchesStopped());
    }

    /** Regex searches stopped at their work bound by every classifier this engine has used. */
    public long regexSearchesStopped() {
        return retiredRegexStops.get() + current.rules().regexSearchesStopped();
    }
}
