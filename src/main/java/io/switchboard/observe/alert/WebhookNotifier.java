package io.switchboard.observe.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.config.WebhookConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Posts alert notices to the configured webhooks. Each webhook has its own sender thread and bounded backlog, so
 * notices arrive in order, a slow or dead webhook delays nobody else, and a failure is logged, never thrown.
 */
final class WebhookNotifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Notices waiting per webhook; beyond it they are dropped with a WARN (a webhook that far behind is down). */
    private static final int BACKLOG = 256;

    private record Target(WebhookConfig config, HttpClient client, ThreadPoolExecutor sender) {
    }

    private final List<Target> targets;
    private final Supplier<String> instance;

    WebhookNotifier(List<WebhookConfig> webhooks, Supplier<String> instance) {
        this.instance = instance;
        List<Target> list = new ArrayList<>();
        for (WebhookConfig w : webhooks) {
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofMillis(w.timeoutMs()))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
            ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                    new ArrayBlockingQueue<>(BACKLOG), Thread.ofVirtual().name("switchboard-alert-webhook").factory());
            list.add(new Target(w, client, sender));
        }
        this.targets = List.copyOf(list);
    }

    /** Queues {@code notice} for every webhook; returns at once. */
    void send(AlertNotice notice) {
        for (Target t : targets) {
            try {
                t.sender().execute(() -> post(t, notice));
            } catch (RejectedExecutionException e) {
                warn(t, notice, "backlog full or shutting down; notice dropped");
            }
        }
    }

    private void post(Target t, AlertNotice notice) {
        try {
            String body = "slack".equals(t.config().format()) ? slack(notice) : json(notice, instance.get());
            HttpRequest request = HttpRequest.newBuilder(t.config().uri())
                    .timeout(Duration.ofMillis(t.config().timeoutMs()))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            HttpResponse<Void> response = t.client().send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                warn(t, notice, "answered HTTP " + response.statusCode());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            warn(t, notice, "interrupted while shutting down");
        } catch (Exception e) {
            warn(t, notice, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private static void warn(Target t, AlertNotice notice, String error) {
        // Only the host: the path of a webhook URL is often its secret.
        LOG.atWarn().addKeyValue("event", "alert_webhook_failed")
                .addKeyValue("alert", notice.alert().name())
                .addKeyValue("status", notice.status().label())
                .addKeyValue("webhook_host", t.config().uri().getHost())
                .addKeyValue("error", error)
                .log("could not post alert {} to webhook at {}: {}", notice.alert().name(),
                        t.config().uri().getHost(), error);
    }

    /** The generic payload (docs/runbook.md). */
    static String json(AlertNotice notice, String instance) {
        Alert a = notice.alert();
        ObjectNode root = JSON.createObjectNode();
        root.put("alert", a.name());
        root.put("status", notice.status().label());
        root.put("severity", a.severity());
        root.put("summary", a.summary());
        ObjectNode labels = root.putObject("labels");
        a.labels().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> labels.put(e.getKey(), e.getValue()));
        root.put("value", a.value());
        root.put("runbook_url", a.runbookUrl());
        root.put("started_at", a.startedAt().toString());
        if (notice.status() == AlertNotice.Status.RESOLVED) {
            root.put("ended_at", notice.at().toString());
        }
        root.put("instance", instance);
        return root.toString();
    }

    /** A Slack-compatible incoming-webhook payload: one line of text. */
    static String slack(AlertNotice notice) {
        Alert a = notice.alert();
        String text = "[" + notice.status().name() + "] " + a.name() + ": " + a.summary()
                + " (runbook: " + a.runbookUrl() + ")";
        return JSON.createObjectNode().put("text", text).toString();
    }

    @Override
    public void close() {
        for (Target t : targets) {
            t.sender().shutdown();
        }
        for (Target t : targets) {
            try {
                // What is already queued gets one timeout's worth of time, then it is abandoned.
                if (!t.sender().awaitTermination(t.config().timeoutMs(), TimeUnit.MILLISECONDS)) {
                    t.sender().shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                t.sender().shutdownNow();
            }
            t.client().shutdownNow();
        }
    }
}
