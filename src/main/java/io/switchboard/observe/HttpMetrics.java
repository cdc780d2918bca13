package io.switchboard.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.ingress.IngressMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/** Counts refused requests and renders the registry for a scrape, in OpenMetrics when the scraper asks for it. */
final class HttpMetrics implements IngressMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(HttpMetrics.class);
    /** The classic Prometheus text format, which every scraper and promtool read. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final Counter[] rejections = new Counter[Rejection.values().length];

    HttpMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
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
