package io.switchboard.observe.alert;

import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.config.AlertsConfig;
import io.switchboard.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Keeps a bounded ring of metric snapshots, one per evaluation, feeds it to {@link AlertRules} and
 * {@link AlertStates}, and logs and posts what changed.
 */
final class MetricsAlertEvaluator implements AlertEvaluator {

    private static final Logger LOG = LoggerFactory.getLogger(AlertEvaluator.class);

    private final AlertsConfig config;
    private final Ticker ticker;
    private final SnapshotReader reader;
    private final AlertRules.Thresholds thresholds;
    private final WebhookNotifier notifier;
    private final int capacity;
    private final ArrayDeque<MetricsSnapshot> history;
    private final ReentrantLock lock = new ReentrantLock();
    private AlertStates states = AlertStates.EMPTY;
    private volatile List<Alert> active = List.of();
    private volatile ScheduledExecutorService scheduler;

    MetricsAlertEvaluator(AlertsConfig config, MeterRegistry registry, Ticker ticker, Supplier<String> instance) {
        this.config = config;
        this.ticker = ticker;
        this.reader = new SnapshotReader(registry);
        this.thresholds = AlertRules.Thresholds.of(config);
        this.notifier = new WebhookNotifier(config.webhooks(), instance);
        long window = Math.max(TimeUnit.NANOSECONDS.toMillis(AlertRules.RATE_WINDOW_NANOS), config.silenceWindowMs());
        // One more than the window needs, so a late evaluation still finds a snapshot a whole window back.
        this.capacity = (int) (window / config.evaluationIntervalMs()) + 2;
        this.history = new ArrayDeque<>(capacity);
    }

    @Override
    public void start() {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("switchboard-alerts").daemon().factory());
        scheduler = s;
        long interval = config.evaluationIntervalMs();
        s.scheduleWithFixedDelay(this::evaluateQuietly, 0, interval, TimeUnit.MILLISECONDS);
        LOG.atInfo().addKeyValue("event", "alerts_started")
                .addKeyValue("evaluation_interval_ms", interval)
                .addKeyValue("webhooks", config.webhooks().size())
                .log("evaluating alerts every {} ms, {} webhooks", interval, config.webhooks().size());
    }

    private void evaluateQuietly() {
        try {
            evaluate();
        } catch (RuntimeException e) {
            // A failed evaluation must not cancel the schedule.
            LOG.warn("alert evaluation failed; trying again next interval", e);
        }
    }

    @Override
    public List<AlertNotice> evaluate() {
        List<AlertNotice> notices;
        lock.lock();
        try {
            MetricsSnapshot now = reader.read(ticker.nanoTime());
            if (history.size() == capacity) {
                history.removeFirst();
            }
            history.addLast(now);
            List<AlertRules.Breach> breaches = AlertRules.breaches(List.copyOf(history), thresholds);
            AlertStates.Step step = states.next(breaches, now.atNanos(), ticker.currentTimeMillis());
            states = step.states();
            active = states.firing();
            notices = step.notices();
        } finally {
            lock.unlock();
        }
        for (AlertNotice n : notices) {
            log(n);
            notifier.send(n);
        }
        return notices;
    }

    private static void log(AlertNotice n) {
        Alert a = n.alert();
        boolean firing = n.status() == AlertNotice.Status.FIRING;
        LoggingEventBuilder event = (firing ? LOG.atWarn() : LOG.atInfo())
                .addKeyValue("event", firing ? "alert_firing" : "alert_resolved")
                .addKeyValue("alert", a.name())
                .addKeyValue("severity", a.severity())
                .addKeyValue("value", a.value())
                .addKeyValue("runbook_url", a.runbookUrl())
                .addKeyValue("started_at", a.startedAt().toString());
        for (var label : a.labels().entrySet()) {
            event = event.addKeyValue(label.getKey(), label.getValue());
        }
        event.log("{} {}: {}", firing ? "FIRING" : "RESOLVED", a.name(), a.summary());
    }

    @Override
    public List<Alert> active() {
        return active;
    }

    @Override
    public void close() {
        ScheduledExecutorService s = scheduler;
        if (s != null) {
            s.shutdownNow();
        }
        notifier.close();
    }
}
