package io.switchboard.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.classify.Classification;
import io.switchboard.classify.Classifier;
import io.switchboard.message.Envelope;
import io.switchboard.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Times every classification (cache hits included), labelled by the class it decided. */
final class TimedClassifier implements Classifier {

    private static final Logger LOG = LoggerFactory.getLogger(TimedClassifier.class);

    private final Classifier delegate;
    private final Ticker ticker;
    private final Labels labels;
    /**
     * One timer per class of the configuration this classifier was built for (and of those before it), all resolved
     * up front: no registry lookups by name later.
     */
    private final Map<String, Timer> timers;

    TimedClassifier(Classifier delegate, Ticker ticker, Labels labels, MeterRegistry registry) {
        this.delegate = delegate;
        this.ticker = ticker;
        this.labels = labels;
        Map<String, Timer> t = new HashMap<>();
        for (String c : labels.classNames()) {
            t.put(c, timer(registry, c));
        }
        this.timers = Map.copyOf(t);
    }

    private static Timer timer(MeterRegistry registry, String className) {
        return Timer.builder("switchboard.classification")
                .description("Time to classify a message, cache hits included")
                .tag("class", className)
                .serviceLevelObjectives(Buckets.CLASSIFICATION)
                .register(registry);
    }

    @Override
    public Classification classify(Envelope envelope) {
        long started = ticker.nanoTime();
        Classification c = delegate.classify(envelope);
        long took = ticker.nanoTime() - started;
        try {
            Timer t = timers.get(labels.className(c.className()));
            if (t != null) {
                t.record(took, TimeUnit.NANOSECONDS);
            }
        } catch (RuntimeException e) {
            LOG.warn("classification timer failed; ignoring", e);
        }
        return c;
    }
}
