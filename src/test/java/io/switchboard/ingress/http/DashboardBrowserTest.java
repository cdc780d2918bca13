package io.switchboard.ingress.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.Switchboard;
import io.switchboard.testing.Engines;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestWorker;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real headless Chromium, driven over the DevTools protocol while traffic flows: it renders
 * without a console error and its figures and charts update by themselves. Skipped where Chromium is not installed.
 */
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void dashboardRendersLiveFiguresAndChartsWithoutConsoleErrors() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM);
        Path profile = Files.createDirectory(dir.resolve("chromium-profile"));
        CountDownLatch stopTraffic = new CountDownLatch(1);
        Process chromium = null;
        try (TestWorker worker = TestWorker.start("a");
             Switchboard engine = Engines.start(dir, """
                     server: {port: 0}
                     classes: [{name: chat, patterns: ["hello"]}]
                     default_class: chat
                     pools: {main: {workers: [{id: a, url: "{{a}}"}]}}
                     routes: [{class: chat, pool: main}]
                     """, worker)) {
            Thread traffic = Thread.ofVirtual().name("dashboard-traffic").start(() -> {
                try {
                    while (!stopTraffic.await(40, TimeUnit.MILLISECONDS)) {
                        Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });

            chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("chromium.log").toFile())
                    .start();
            Path portFile = profile.resolve("DevToolsActivePort");
            await().atMost(WAIT).until(() -> Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2);
            int debugPort = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());

            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            AtomicReference<URI> pageSocket = new AtomicReference<>();
            await().atMost(WAIT).until(() -> {
                pageSocket.set(pageTarget(client, debugPort));
                return pageSocket.get() != null;
            });

            try (DevTools devTools = DevTools.connect(client, pageSocket.get())) {
                devTools.call("Runtime.enable", Map.of());
                devTools.call("Log.enable", Map.of());
                devTools.call("Page.enable", Map.of());
                devTools.call("Page.navigate", Map.of("url", "http://127.0.0.1:" + engine.port() + "/"));

                await().atMost(WAIT).until(() -> devTools.evaluate("document.getElementById('status') ? "
                        + "document.getElementById('status').textContent : ''").equals("ready"));
                await().atMost(WAIT).until(() -> isCount(devTools.evaluate("document.getElementById('total').textContent")));
                long first = Long.parseLong(devTools.evaluate("document.getElementById('total').textContent"));
                await().atMost(WAIT).until(() -> {
                    String now = devTools.evaluate("document.getElementById('total').textContent");
                    return isCount(now) && Long.parseLong(now) > first;
                });
                // A chart line appears once the first two-second slot has finished.
                await().atMost(WAIT).until(() -> devTools.evaluate(
                        "document.querySelector('#chart-rps path.line').getAttribute('d')").startsWith("M"));
                assertThat(devTools.evaluate("document.querySelectorAll('#workers tbody tr').length")).isEqualTo("1");
                assertThat(devTools.evaluate("document.querySelector('#workers tbody td:nth-child(3)').textContent"))
                        .isEqualTo("closed");

                assertThat(errors(devTools.events())).isEmpty();
            }
            stopTraffic.countDown();
            traffic.join(Duration.ofSeconds(10));
        } finally {
            stopTraffic.countDown();
            if (chromium != null) {
                chromium.descendants().forEach(ProcessHandle::destroyForcibly);
                chromium.destroyForcibly();
                chromium.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean isCount(String text) {
        return text.matches("\\d+");
    }

    private static URI pageTarget(HttpClient client, int debugPort) {
        try {
            var answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + debugPort + "/json/list"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode target : new ObjectMapper().readTree(answer.body())) {
                if ("page".equals(target.path("type").asText()) && target.has("webSocketDebuggerUrl")) {
                    return URI.create(target.path("webSocketDebuggerUrl").asText());
                }
            }
            return null;
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Console errors, uncaught exceptions and error log entries, as readable lines. */
    private static List<String> errors(List<JsonNode> events) {
        return events.stream().map(e -> switch (e.path("method").asText()) {
            case "Runtime.consoleAPICalled" -> "error".equals(e.path("params").path("type").asText())
                    ? "console: " + e.path("params").path("args") : null;
            case "Runtime.exceptionThrown" -> "exception: " + e.path("params").path("exceptionDetails");
            case "Log.entryAdded" -> "error".equals(e.path("params").path("entry").path("level").asText())
                    ? "log: " + e.path("params").path("entry") : null;
            default -> null;
        }).filter(java.util.Objects::nonNull).toList();
    }
}
