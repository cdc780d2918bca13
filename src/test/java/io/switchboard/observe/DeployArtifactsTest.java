package io.switchboard.observe;

import io.switchboard.Switchboard;
import io.switchboard.testing.Engines;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestWorker;
import io.switchboard.testing.TestWorker.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The alert rules, their unit tests and the Grafana dashboard agree with what the engine actually exports. */
class DeployArtifactsTest {

    static final Path ALERTS = Path.of("deploy/prometheus/alerts.yml");
    static final Path ALERT_TESTS = Path.of("deploy/prometheus/alerts_test.yml");
    static final Path DASHBOARD = Path.of("deploy/grafana/switchboard.json");
    static final Path RUNBOOK = Path.of("docs/runbook.md");
    static final Pattern METRIC = Pattern.compile("\\b((?:switchboard|jvm|process)_[a-z_]+)");

    @TempDir
    Path dir;

    private static boolean promtoolPresent() {
        try {
            return new ProcessBuilder("promtool", "--version").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
    }

    private static String run(Path workDir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void alertRulesAreValidAndPassTheirUnitTests() throws Exception {
        assumeTrue(promtoolPresent(), "promtool is not installed");
        assertThat(run(Path.of("."), "promtool", "check", "rules", ALERTS.toString())).contains("SUCCESS");
        assertThat(run(ALERT_TESTS.getParent(), "promtool", "test", "rules", ALERT_TESTS.getFileName().toString()))
                .contains("SUCCESS");
    }

    @Test
    void everyRunbookUrlPointsAtASectionOfTheRunbook() throws Exception {
        Set<String> anchors = Files.readAllLines(RUNBOOK).stream()
                .filter(l -> l.startsWith("#"))
                .map(l -> l.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
        Matcher m = Pattern.compile("runbook_url: docs/runbook.md#([a-z0-9_-]+)").matcher(Files.readString(ALERTS));
        int urls = 0;
        while (m.find()) {
            urls++;
            assertThat(anchors).as("runbook section for #" + m.group(1)).contains(m.group(1));
        }
        long alerts = Files.readAllLines(ALERTS).stream().filter(l -> l.strip().startsWith("- alert:")).count();
        assertThat(urls).as("one runbook_url per alert").isEqualTo(alerts).isEqualTo(9);
    }

    @Test
    void everyMetricTheAlertsAndDashboardUseIsExported() throws Exception {
        try (TestWorker failing = TestWorker.start("a").answer(r -> Reply.status(503));
             TestWorker healthy = TestWorker.start("b");
             Switchboard engine = Engines.start(dir, """
                     server: {port: 0}
                     classes: [{name: chat, patterns: ["hello"]}, {name: bad, patterns: ["doomed"]}]
                     default_class: chat
                     pools:
                       primary: {workers: [{id: a, url: "{{a}}"}]}
                       spare: {workers: [{id: b, url: "{{b}}"}]}
                     routes: [{class: chat, pool: primary, fallback: spare}, {class: bad, pool: primary}]
                     delivery: {max_attempts: 2, backoff: {initial_ms: 0, max_ms: 0}}
                     """, failing, healthy)) {
            assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}").status()).isEqualTo(200);
            assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"doomed\"}").status()).isEqualTo(502);
            assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":42}").status()).isEqualTo(422);
            String exported = Http.get(engine.port(), "/metrics").text();

            Set<String> used = new TreeSet<>();
            for (Path file : new Path[] {ALERTS, DASHBOARD}) {
                Matcher m = METRIC.matcher(Files.readString(file));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
            assertThat(used).isNotEmpty();
            for (String name : used) {
                assertThat(exported).as("metric %s used by the alerts or the dashboard", name).containsPattern("(?m)^" + name + "[{ ]");
            }
        }
    }
}
