package io.switchboard.observe.alert;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.Switchboard;
import io.switchboard.config.AlertsConfig;
import io.switchboard.config.WebhookConfig;
import io.switchboard.testing.Engines;
import io.switchboard.testing.FakeTicker;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestWorker;
import io.switchboard.testing.TestWorker.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine's own alerts over real traffic: each fires once after its hold time and resolves once, webhooks get
 * the generic or the Slack payload, and a dead or slow webhook never stops evaluation.
 */
class AlertEvaluatorTest {

    // The engine's own evaluator is kept idle (hourly); each test drives one of its own with a fake clock.
    static final String CONFIG = """
            server: {port: 0}
            classes: [{name: chat, patterns: ["hello"]}]
            default_class: chat
            pools: {main: {workers: [{id: w1, url: "{{w1}}", max_concurrency: 1}]}}
            routes: [{class: chat, pool: main}]
            delivery: {timeout_ms: 3600000, max_attempts: 1, backoff: {initial_ms: 0, max_ms: 0}}
            circuit_breaker: {failure_rate_threshold: 50, minimum_calls: %d, open_ms: 60000, half_open_calls: 1}
            queue: {capacity: 5, default_ttl_ms: 3600000}
            alerts: {evaluation_interval_ms: 3600000, silence_window_ms: 3600000}
            """;
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    final FakeTicker ticker = FakeTicker.create();
    final AtomicBoolean failing = new AtomicBoolean();
    final List<ILoggingEvent> logged = new CopyOnWriteArrayList<>();
    final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
            logged.add(e);
        }
    };
    final Logger alertLogs = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("io.switchboard.observe.alert");
    final List<AutoCloseable> closing = new ArrayList<>();
    TestWorker w1;
    TestWorker hook;
    Switchboard engine;

    @BeforeEach
    void start() {
        appender.setContext(alertLogs.getLoggerContext());
        appender.start();
        alertLogs.addAppender(appender);
        w1 = TestWorker.start("w1").answer(r -> failing.get() ? Reply.status(500) : Reply.ok("{\"ok\":true}"));
        hook = TestWorker.start("hook").answer(r -> Reply.ok("{}"));
    }

    @AfterEach
    void stop() throws Exception {
        alertLogs.detachAppender(appender);
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
        if (engine != null) {
            engine.close();
        }
        w1.close();
        hook.close();
    }

    private void engine(int minimumCalls) {
        engine = Engines.start(ticker, dir, CONFIG.formatted(minimumCalls), w1);
    }

    private AlertEvaluator evaluator(long silenceMs, WebhookConfig... webhooks) {
        AlertEvaluator e = AlertEvaluator.create(new AlertsConfig(15_000L, null, silenceMs, null, null,
                Arrays.asList(webhooks)), engine.metrics().registry(), ticker, () -> "test-host:8080");
        closing.add(e);
        return e;
    }

    private static WebhookConfig webhook(TestWorker receiver, String format) {
        return new WebhookConfig(receiver.url().toString(), format, 5_000L);
    }

    private int send(boolean fail) {
        failing.set(fail);
        return Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}").status();
    }

    private static List<AlertNotice> named(List<AlertNotice> notices, String name) {
        return notices.stream().filter(n -> n.alert().name().equals(name)).toList();
    }

    private List<JsonNode> posted(int expected) {
        await().atMost(TIMEOUT).until(() -> hook.count() >= expected);
        return hook.received().stream().map(TestWorker.Received::body).toList();
    }

    private void openCircuit() {
        assertThat(send(true)).isEqualTo(502);
        assertThat(send(true)).isEqualTo(502);
        assertThat(engine.pools().get("main").workers().getFirst().breaker().getState().name()).isEqualTo("OPEN");
    }

    private void closeCircuit() {
        ticker.advance(Duration.ofMinutes(1));
        assertThat(send(false)).isEqualTo(200);
        assertThat(engine.pools().get("main").workers().getFirst().breaker().getState().name()).isEqualTo("CLOSED");
    }

    @Test
    void highErrorRateFiresOnceAfterFiveMinutesStaysQuietAndResolvesOnce() {
        engine(1_000);
        AlertEvaluator alerts = evaluator(3_600_000, webhook(hook, "json"));
        List<AlertNotice> seen = new ArrayList<>();
        assertThat(alerts.evaluate()).isEmpty();
        for (int minute = 1; minute <= 11; minute++) {
            ticker.advance(Duration.ofMinutes(1));
            if (minute <= 7) {
                assertThat(send(true)).isEqualTo(502);
            }
            assertThat(send(false)).isEqualTo(200);
            List<AlertNotice> notices = named(alerts.evaluate(), "SwitchboardHighErrorRate");
            // Pending from minute 1, firing from minute 6; the last failure leaves the 5-minute window at minute 12.
            assertThat(notices).as("minute %d", minute).hasSize(minute == 6 ? 1 : 0);
            seen.addAll(notices);
            assertThat(alerts.active()).extracting(Alert::name).as("minute %d", minute)
                    .containsExactlyElementsOf(minute >= 6 ? List.of("SwitchboardHighErrorRate") : List.of());
        }
        ticker.advance(Duration.ofMinutes(1));
        seen.addAll(named(alerts.evaluate(), "SwitchboardHighErrorRate"));

        assertThat(seen).extracting(AlertNotice::status)
                .containsExactly(AlertNotice.Status.FIRING, AlertNotice.Status.RESOLVED);
        assertThat(alerts.active()).isEmpty();
        List<JsonNode> bodies = posted(2);
        assertThat(bodies).hasSize(2);
        JsonNode firing = bodies.getFirst();
        assertThat(firing.path("alert").asText()).isEqualTo("SwitchboardHighErrorRate");
        assertThat(firing.path("status").asText()).isEqualTo("firing");
        assertThat(firing.path("severity").asText()).isEqualTo("page");
        assertThat(firing.path("value").asDouble()).isEqualTo(0.5);
        assertThat(firing.path("summary").asText()).contains("50.0% of messages failed");
        assertThat(firing.path("labels").isObject()).isTrue();
        assertThat(firing.path("runbook_url").asText()).isEqualTo("docs/runbook.md#switchboardhigherrorrate");
        assertThat(firing.path("started_at").asText()).isEqualTo("2023-11-14T22:19:20Z");
        assertThat(firing.path("instance").asText()).isEqualTo("test-host:8080");
        assertThat(bodies.get(1).path("status").asText()).isEqualTo("resolved");
        assertThat(bodies.get(1).path("started_at").asText()).isEqualTo("2023-11-14T22:19:20Z");
        assertThat(logged).filteredOn(e -> e.getFormattedMessage().startsWith("FIRING SwitchboardHighErrorRate"))
                .singleElement().satisfies(e -> assertThat(e.getLevel()).isEqualTo(Level.WARN));
        assertThat(logged).filteredOn(e -> e.getFormattedMessage().startsWith("RESOLVED SwitchboardHighErrorRate"))
                .singleElement().satisfies(e -> assertThat(e.getLevel()).isEqualTo(Level.INFO));
    }

    @Test
    void noSuccessfulDeliveryFiresWhenMessagesArriveButNoneIsDeliveredForTheWindow() {
        engine(1_000);
        AlertEvaluator alerts = evaluator(60_000, webhook(hook, "json"));
        assertThat(send(true)).isEqualTo(502);
        assertThat(named(alerts.evaluate(), "SwitchboardNoSuccessfulDelivery")).isEmpty();
        ticker.advance(Duration.ofMinutes(1));
        assertThat(send(true)).isEqualTo(502);
        assertThat(named(alerts.evaluate(), "SwitchboardNoSuccessfulDelivery")).as("pending for 1 min").isEmpty();
        ticker.advance(Duration.ofMinutes(1));
        assertThat(send(true)).isEqualTo(502);
        List<AlertNotice> firing = named(alerts.evaluate(), "SwitchboardNoSuccessfulDelivery");

        assertThat(firing).singleElement().satisfies(n -> {
            assertThat(n.status()).isEqualTo(AlertNotice.Status.FIRING);
            assertThat(n.alert().value()).isEqualTo(1.0);
            assertThat(n.alert().summary()).isEqualTo("no message delivered in 1 min although 1 arrived");
        });
        ticker.advance(Duration.ofSeconds(15));
        assertThat(send(false)).isEqualTo(200);
        assertThat(named(alerts.evaluate(), "SwitchboardNoSuccessfulDelivery")).extracting(AlertNotice::status)
                .containsExactly(AlertNotice.Status.RESOLVED);
    }

    @Test
    void openCircuitFiresWithItsWorkerAfterFiveMinutesAndResolvesWhenItCloses() {
        engine(2);
        AlertEvaluator alerts = evaluator(3_600_000, webhook(hook, "json"));
        openCircuit();
        assertThat(named(alerts.evaluate(), "SwitchboardWorkerCircuitOpen")).isEmpty();
        ticker.advance(Duration.ofMinutes(4));
        assertThat(named(alerts.evaluate(), "SwitchboardWorkerCircuitOpen")).isEmpty();
        ticker.advance(Duration.ofMinutes(1));

        assertThat(named(alerts.evaluate(), "SwitchboardWorkerCircuitOpen")).singleElement().satisfies(n ->
                assertThat(n.alert().labels()).containsEntry("pool", "main").containsEntry("worker", "w1"));
        closeCircuit();
        assertThat(named(alerts.evaluate(), "SwitchboardWorkerCircuitOpen")).extracting(AlertNotice::status)
                .containsExactly(AlertNotice.Status.RESOLVED);
        List<JsonNode> bodies = posted(2);
        assertThat(bodies).extracting(b -> b.path("status").asText()).containsExactly("firing", "resolved");
        assertThat(bodies.getFirst().path("labels").path("worker").asText()).isEqualTo("w1");
        assertThat(bodies.getFirst().path("labels").path("pool").asText()).isEqualTo("main");
        assertThat(bodies.getFirst().path("severity").asText()).isEqualTo("ticket");
    }

    @Test
    void queueNearCapacityFiresAfterTwoMinutesAndResolvesWhenItDrains() throws Exception {
        engine(1_000);
        AlertEvaluator alerts = evaluator(3_600_000, webhook(hook, "json"));
        w1.hold();
        List<Future<Integer>> requests = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 6; i++) {
                requests.add(clients.submit(() -> send(false)));
            }
            await().atMost(TIMEOUT).until(() -> Arrays.stream(engine.pools().get("main").waitingByPriority()).sum() == 5);
            assertThat(named(alerts.evaluate(), "SwitchboardQueueNearCapacity")).isEmpty();
            ticker.advance(Duration.ofMinutes(2));
            assertThat(named(alerts.evaluate(), "SwitchboardQueueNearCapacity")).singleElement().satisfies(n -> {
                assertThat(n.alert().labels()).containsExactly(java.util.Map.entry("pool", "main"));
                assertThat(n.alert().value()).isEqualTo(1.0);
            });
            w1.open();
            for (Future<Integer> f : requests) {
                assertThat(f.get()).isEqualTo(200);
            }
        }
        assertThat(named(alerts.evaluate(), "SwitchboardQueueNearCapacity")).extracting(AlertNotice::status)
                .containsExactly(AlertNotice.Status.RESOLVED);
    }

    @Test
    void slackWebhookGetsOneLineOfTextPerTransition() {
        engine(2);
        AlertEvaluator alerts = evaluator(3_600_000, webhook(hook, "slack"));
        openCircuit();
        alerts.evaluate();
        ticker.advance(Duration.ofMinutes(5));
        alerts.evaluate();
        closeCircuit();
        alerts.evaluate();

        assertThat(posted(2)).extracting(b -> b.path("text").asText()).containsExactly(
                "[FIRING] SwitchboardWorkerCircuitOpen: circuit of worker w1 (pool main) is open"
                        + " (runbook: docs/runbook.md#switchboardworkercircuitopen)",
                "[RESOLVED] SwitchboardWorkerCircuitOpen: circuit of worker w1 (pool main) is open"
                        + " (runbook: docs/runbook.md#switchboardworkercircuitopen)");
    }

    @Test
    void refusingAndTimingOutWebhooksAreLoggedAndNeverStopEvaluationOrOtherWebhooks() {
        engine(2);
        TestWorker refusing = TestWorker.start("refusing");
        WebhookConfig dead = webhook(refusing, "json");
        refusing.close();
        TestWorker slow = TestWorker.start("slow").hold();
        closing.add(slow);
        AlertEvaluator alerts = evaluator(3_600_000, dead,
                new WebhookConfig(slow.url().toString(), "json", 200L), webhook(hook, "json"));
        openCircuit();
        alerts.evaluate();
        ticker.advance(Duration.ofMinutes(5));

        assertThat(named(alerts.evaluate(), "SwitchboardWorkerCircuitOpen")).hasSize(1);
        await().atMost(TIMEOUT).until(() -> logged.stream().filter(e -> e.getLevel() == Level.WARN
                && e.getFormattedMessage().startsWith("could not post alert SwitchboardWorkerCircuitOpen")).count() == 2);
        closeCircuit();
        assertThat(named(alerts.evaluate(), "SwitchboardWorkerCircuitOpen")).extracting(AlertNotice::status)
                .containsExactly(AlertNotice.Status.RESOLVED);
        assertThat(posted(2)).extracting(b -> b.path("status").asText()).containsExactly("firing", "resolved");
        assertThat(logged).filteredOn(e -> e.getFormattedMessage().startsWith("could not post alert"))
                .allSatisfy(e -> assertThat(e.getKeyValuePairs()).anySatisfy(kv -> {
                    assertThat(kv.key).isEqualTo("alert");
                    assertThat(kv.value).isEqualTo("SwitchboardWorkerCircuitOpen");
                }))
                .noneSatisfy(e -> assertThat(Objects.toString(e.getFormattedMessage())).contains("/work"));
    }
}
