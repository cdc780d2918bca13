package io.switchboard.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.ingress.IngressMetrics;
import io.switchboard.ingress.IngressMetrics.AuthOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts refused requests and how API keys fared, and renders the registry for a scrape, in OpenMetrics when the
 * scraper asks for it.
 */
final class HttpMetrics implements IngressMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(HttpMetrics.class);
    /** The classic Prometheus text format, which every scraper and promtool read. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final Counter[] rejections = new Counter[Rejection.values().length];
    /** By key label, then outcome; only the pairs that can happen exist. Grows when a reload adds keys. */
    private final Map<String, Counter[]> auth = new ConcurrentHashMap<>();

    /** {@code keys}: the configured API keys' names (none when authentication is off, and then no counter). */
    HttpMetrics(PrometheusMeterRegistry registry, List<String> keys) {
        this.registry = registry;
        addKeys(keys);
        for (Rejection r : Rejection.values()) {
            rejections[r.ordinal()] = Counter.builder("switchboard.rejections")
                    .description("Requests refused, by reason")
                    .tag("reason", r.label())
                    .register(registry);
        }
    }

    @Override
    public void rejected(Rejection reason) {
        try {
            rejections[reason.ordinal()].increment();
        } catch (RuntimeException e) {
            LOG.warn("rejection counter failed; ignoring", e);
        }
    }

    /** Adds the counters of {@code keys}, e.g. after a reload; those of keys no longer configured stay. */
    synchronized void addKeys(List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        registerAuth(IngressMetrics.NO_KEY, AuthOutcome.UNAUTHORIZED);
        registerAuth(IngressMetrics.UNKNOWN_KEY, AuthOutcome.UNAUTHORIZED);
        for (String key : keys) {
            registerAuth(key, AuthOutcome.ACCEPTED);
            registerAuth(key, AuthOutcome.FORBIDDEN);
        }
    }

    private void registerAuth(String key, AuthOutcome outcome) {
        auth.computeIfAbsent(key, k -> new Counter[AuthOutcome.values().length])[outcome.ordinal()] =
                Counter.builder("switchboard.auth")
                        .description("Requests that needed an API key, by key name and outcome")
                        .tag("key", key)
                        .tag("outcome", outcome.label())
                        .register(registry);
    }

    @Override
    public void authenticated(String key, AuthOutcome outcome) {
        try {
            Counter[] byOutcome = auth.get(key);
            Counter c = byOutcome == null ? null : byOutcome[outcome.ordinal()];
            if (c != null) {
                c.increment();
            }
        } catch (RuntimeException e) {
            LOG.warn("authentication counter failed; ignoring", e);
        }
    }

    @Override
    public Exposition scrape(String accept) {
        String type = wantsOpenMetrics(accept) ? OPEN_METRICS : PROMETHEUS_TEXT;
        var out = new ByteArrayOutputStream(64 * 1024);
        try {
            registry.scrape(out, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Exposition(type, out.toByteArray());
    }

    static boolean wantsOpenMetrics(String accept) {
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text");
    }
}
