package io.switchboard.config;

import io.switchboard.message.Priority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigLoaderTest {

    static final String BASE = """
            classes:
              - {name: strategic, priority: HIGH, patterns: ['(?i)plan']}
              - {name: tactical, patterns: ['(?i)next']}
            default_class: tactical
            pools:
              strong: {strategy: least-loaded, workers: [{id: opus-1, url: "http://127.0.0.1:9101/work"}]}
              fast:
                workers:
                  - {id: sonnet-1, url: "http://127.0.0.1:9201/work"}
                  - {id: sonnet-2, url: "http://127.0.0.1:9202/work"}
            routes:
              - {class: strategic, pool: strong, fallback: fast}
              - {class: tactical, pool: fast}
            auth: {mode: disabled}
            """;

    @TempDir
    Path dir;

    @Test
    void bundledDevelopmentConfigBuildsTheDemoFleet() {
        SwitchboardConfig config = ConfigLoader.load(Path.of("config", "development.yaml"), Optional.empty(), Map.of());

        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(config.defaultClass()).isEqualTo("tactical");
        assertThat(config.classes()).extracting(ClassConfig::name).containsExactly("strategic", "tactical");
        assertThat(config.classes().getFirst().priority()).isEqualTo(Priority.HIGH);
        assertThat(config.pools()).containsOnlyKeys("strong", "fast");
        assertThat(config.pools().get("strong").strategy()).isEqualTo("least-loaded");
        assertThat(config.pools().get("strong").workers()).extracting(WorkerConfig::id).containsExactly("opus-1");
        assertThat(config.pools().get("strong").workers().getFirst().maxConcurrency()).isEqualTo(4);
        assertThat(config.pools().get("fast").workers()).extracting(WorkerConfig::url).containsExactly(
                "http://127.0.0.1:9201/work", "http://127.0.0.1:9202/work",
                "http://127.0.0.1:9203/work", "http://127.0.0.1:9204/work");
        assertThat(config.routeFor("strategic")).isEqualTo(new RouteConfig("strategic", "strong", "fast"));
        assertThat(config.routeFor("tactical")).isEqualTo(new RouteConfig("tactical", "fast", null));
        assertThat(config.delivery().timeoutMs()).isEqualTo(10_000L);
        assertThat(config.circuitBreaker().openMs()).isEqualTo(5_000L);
        assertThat(config.store().path()).isEqualTo("./data");
    }

    @Test
    void productionProfileOverridesOnlyTheKeysItLists() {
        SwitchboardConfig config = ConfigLoader.load(Path.of("config", "development.yaml"),
                Optional.of("production"), Map.of("SWITCHBOARD_AUTH_KEYS", "[{name: ops, sha256: "
                        + "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad, scopes: [read]}]"));

        assertThat(config.auth().enabled()).isTrue();
        assertThat(config.server().drainTimeoutMs()).isEqualTo(30_000L);
        assertThat(config.server().maxBodyBytes()).isEqualTo(1_048_576L);
        assertThat(config.circuitBreaker().openMs()).isEqualTo(30_000L);
        assertThat(config.circuitBreaker().failureRateThreshold()).isEqualTo(50.0);
        assertThat(config.queue().capacity()).isEqualTo(50_000);
        assertThat(config.queue().agingMs()).isEqualTo(2_000L);
        assertThat(config.pools().get("fast").workers()).hasSize(4);
    }

    @Test
    void profileReplacesListsWholeAndMergesMaps() {
        Path base = write("switchboard.yaml", BASE + "server: {port: 8080, host: 127.0.0.1}\n");
        write("staging.yaml", """
                server: {port: 9000}
                pools:
                  fast:
                    workers: [{id: sonnet-9, url: "http://10.0.0.9/work"}]
                """);

        SwitchboardConfig config = ConfigLoader.load(base, Optional.of("staging"), Map.of());

        assertThat(config.server().port()).isEqualTo(9000);
        assertThat(config.server().host()).isEqualTo("127.0.0.1");
        assertThat(config.pools().get("fast").workers()).extracting(WorkerConfig::id).containsExactly("sonnet-9");
        assertThat(config.pools().get("strong").workers()).extracting(WorkerConfig::id).containsExactly("opus-1");
    }

    @Test
    void missingProfileFileIsNamed() {
        Path base = write("switchboard.yaml", BASE);

        assertThatThrownBy(() -> ConfigLoader.load(base, Optional.of("staging"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(dir.resolve("staging.yaml").toString())
                .hasMessageContaining("profile 'staging' not found");
    }

    @Test
    void problemInProfileValueNamesTheProfileFile() {
        Path base = write("switchboard.yaml", BASE);
        Path profile = write("staging.yaml", "server: {port: 70000}\n");

        List<ConfigProblem> problems = problems(base, Optional.of("staging"), Map.of());

        assertThat(problems).containsExactly(new ConfigProblem(profile.toString(), "server.port",
                "must be between 0 and 65535, got 70000"));
    }

    @Test
    void environmentOverridesNestedKeysWhoseNamesContainUnderscores() {
        Path base = write("switchboard.yaml", BASE);

        SwitchboardConfig config = ConfigLoader.load(base, Optional.empty(), Map.of(
                "SWITCHBOARD_DELIVERY_TIMEOUT_MS", "5000",
                "SWITCHBOARD_DELIVERY_BACKOFF_MAX_MS", "900",
                "SWITCHBOARD_SERVER_PORT", "9090",
                "SWITCHBOARD_DEFAULT_CLASS", "strategic"));

        assertThat(config.delivery().timeoutMs()).isEqualTo(5_000L);
        assertThat(config.delivery().backoff().maxMs()).isEqualTo(900L);
        assertThat(config.server().port()).isEqualTo(9090);
        assertThat(config.defaultClass()).isEqualTo("strategic");
    }

    @Test
    void environmentOverridesAKeyInsideANamedPool() {
        Path base = write("switchboard.yaml", BASE);

        SwitchboardConfig config = ConfigLoader.load(base, Optional.empty(), Map.of(
                "SWITCHBOARD_POOLS_FAST_STRATEGY", "least-loaded",
                "SWITCHBOARD_POOLS_STRONG_REQUIRED", "false"));

        assertThat(config.pools().get("fast").strategy()).isEqualTo("least-loaded");
        assertThat(config.pools().get("strong").required()).isFalse();
    }

    @Test
    void environmentOverridesAListElementByIndex() {
        Path base = write("switchboard.yaml", BASE);

        SwitchboardConfig config = ConfigLoader.load(base, Optional.empty(), Map.of(
                "SWITCHBOARD_POOLS_FAST_WORKERS_1_URL", "http://10.0.0.2:9202/work",
                "SWITCHBOARD_POOLS_FAST_WORKERS_1_MAX_CONCURRENCY", "32"));

        WorkerConfig second = config.pools().get("fast").workers().get(1);
        assertThat(second.url()).isEqualTo("http://10.0.0.2:9202/work");
        assertThat(second.maxConcurrency()).isEqualTo(32);
        assertThat(config.pools().get("fast").workers().getFirst().url()).isEqualTo("http://127.0.0.1:9201/work");
    }

    @Test
    void environmentMayReplaceAListWithYamlFlowSyntax() {
        Path base = write("switchboard.yaml", BASE);

        SwitchboardConfig config = ConfigLoader.load(base, Optional.empty(), Map.of(
                "SWITCHBOARD_POOLS_STRONG_WORKERS", "[{id: opus-2, url: 'http://10.0.0.1/work'}]"));

        assertThat(config.pools().get("strong").workers()).extracting(WorkerConfig::id).containsExactly("opus-2");
    }

    @Test
    void unknownEnvironmentVariableIsAnErrorWithAHint() {
        Path base = write("switchboard.yaml", BASE);

        List<ConfigProblem> problems = problems(base, Optional.empty(),
                Map.of("SWITCHBOARD_DELIVERY_TIMOUT_MS", "5000", "PATH", "/usr/bin"));

        assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
                "$SWITCHBOARD_DELIVERY_TIMOUT_MS: matches no configuration key"
                        + " (did you mean 'SWITCHBOARD_DELIVERY_TIMEOUT_MS'?)");
    }

    @Test
    void environmentCannotAddListElementsOrPools() {
        Path base = write("switchboard.yaml", BASE);

        List<ConfigProblem> problems = problems(base, Optional.empty(), Map.of(
                "SWITCHBOARD_POOLS_FAST_WORKERS_2_URL", "http://10.0.0.3/work",
                "SWITCHBOARD_POOLS_SLOW_STRATEGY", "round-robin"));

        assertThat(problems).extracting(ConfigProblem::file).containsExactly(
                "$SWITCHBOARD_POOLS_FAST_WORKERS_2_URL", "$SWITCHBOARD_POOLS_SLOW_STRATEGY");
    }

    @Test
    void launcherVariablesAreNotMistakenForConfigKeys() {
        Path base = write("switchboard.yaml", BASE);

        SwitchboardConfig config = ConfigLoader.load(base, Optional.empty(), Map.of(
                "SWITCHBOARD_LOG_LEVEL", "debug", "SWITCHBOARD_JAVA_OPTS", "-Xmx1g", "SWITCHBOARD_HOME", "/opt/sb"));

        assertThat(config.pools()).containsOnlyKeys("strong", "fast");
    }

    @Test
    void badEnvironmentValueNamesTheVariableAndTheKey() {
        Path base = write("switchboard.yaml", BASE);

        List<ConfigProblem> problems = problems(base, Optional.empty(), Map.of("SWITCHBOARD_SERVER_PORT", "eighty"));

        assertThat(problems).extracting(ConfigProblem::toString)
                .containsExactly("$SWITCHBOARD_SERVER_PORT:server.port: expected an integer, got 'eighty'");
    }

    @Test
    void unknownKeyIsReportedWithTheClosestKnownKey() {
        Path base = write("config.yaml", BASE + "delivery: {timout_ms: 5000}\n");

        List<ConfigProblem> problems = problems(base, Optional.empty(), Map.of());

        assertThat(problems).containsExactly(new ConfigProblem(base.toString(), "delivery.timout_ms",
                "unknown key (did you mean 'timeout_ms'?)"));
        assertThat(problems.getFirst().toString())
                .endsWith("config.yaml:delivery.timout_ms: unknown key (did you mean 'timeout_ms'?)");
    }

    @Test
    void wrongTypeNamesTheKeyAndTheExpectedType() {
        Path base = write("switchboard.yaml", BASE + "server: {port: \"8080\"}\n");

        assertThat(problems(base, Optional.empty(), Map.of())).extracting(p -> p.keyPath() + ": " + p.reason())
                .containsExactly("server.port: expected an integer, got '8080'");
    }

    @Test
    void aStringIsNotSilentlyTurnedIntoAList() {
        Path base = write("switchboard.yaml", BASE.replace("patterns: ['(?i)next']", "patterns: '(?i)next'"));

        assertThat(problems(base, Optional.empty(), Map.of())).extracting(p -> p.keyPath() + ": " + p.reason())
                .containsExactly("classes[1].patterns: expected a list, got '(?i)next'");
    }

    @Test
    void enumValuesAreCaseInsensitiveAndMisspellingsGetAHint() {
        Path lower = write("lower.yaml", BASE.replace("priority: HIGH", "priority: high"));
        Path typo = write("typo.yaml", BASE.replace("priority: HIGH", "priority: HGIH"));

        assertThat(ConfigLoader.load(lower, Optional.empty(), Map.of()).classes().getFirst().priority())
                .isEqualTo(Priority.HIGH);
        assertThat(problems(typo, Optional.empty(), Map.of())).extracting(p -> p.keyPath() + ": " + p.reason())
                .containsExactly("classes[0].priority: expected one of CRITICAL, HIGH, NORMAL, LOW, got 'HGIH'"
                        + " (did you mean 'HIGH'?)");
    }

    @Test
    void invalidWorkerUrlIsReportedAtItsFullPath() {
        Path base = write("switchboard.yaml", BASE.replace("http://127.0.0.1:9202/work", "127.0.0.1:9202"));

        assertThat(problems(base, Optional.empty(), Map.of())).extracting(ConfigProblem::keyPath)
                .containsExactly("pools.fast.workers[1].url");
    }

    @Test
    void routeToUnknownPoolIsReportedAtTheRoute() {
        Path base = write("switchboard.yaml", BASE.replace("{class: strategic, pool: strong,",
                "{class: strategic, pool: strnog,"));

        assertThat(problems(base, Optional.empty(), Map.of())).extracting(p -> p.keyPath() + ": " + p.reason())
                .containsExactly("routes[0].pool: unknown pool 'strnog' (did you mean 'strong'?)");
    }

    @Test
    void invalidPatternIsReportedUnderItsClass() {
        Path base = write("switchboard.yaml", BASE.replace("'(?i)plan'", "'(?i)plan('"));

        assertThat(problems(base, Optional.empty(), Map.of())).extracting(ConfigProblem::keyPath)
                .containsExactly("classes[0].patterns[0]");
    }

    @Test
    void fieldMatchersTakeDottedPathsAndScalarValuesAsText() {
        Path base = write("switchboard.yaml", BASE.replace("patterns: ['(?i)next']",
                "fields: {command: fetch, \"meta.source\": scheduler, attempt: 3, urgent: true, chat: '~@ru_.*'}"));

        ClassConfig tactical = ConfigLoader.load(base, Optional.empty(), Map.of()).classes().get(1);

        assertThat(tactical.fields()).containsOnly(Map.entry("command", "fetch"), Map.entry("meta.source", "scheduler"),
                Map.entry("attempt", "3"), Map.entry("urgent", "true"), Map.entry("chat", "~@ru_.*"));
    }

    @Test
    void badFieldMatchersAreReportedAtTheirFieldPath() {
        Path base = write("switchboard.yaml", BASE.replace("patterns: ['(?i)next']", "rules: ["
                + "{fields: {command: fetch, \"meta.chat\": '~@ru_('}}, {fields: {\"meta..chat\": x}}, "
                + "{fields: {command: {exists: true}}}, {fields: {command: [fetch, get]}}, "
                + "{fields: {command: null}}]"));

        assertThat(problems(base, Optional.empty(), Map.of())).extracting(ConfigProblem::toString).containsExactly(
                base + ":classes[1].rules[0].fields.meta.chat: '@ru_(' is not a valid regular expression: "
                        + "Unclosed group near index 5",
                base + ":classes[1].rules[1].fields.meta..chat: 'meta..chat' is not a field path: names of nested "
                        + "fields joined by '.', none of them empty",
                base + ":classes[1].rules[2].fields.command: expected a string, got a map",
                base + ":classes[1].rules[3].fields.command: expected a string, got a list",
                base + ":classes[1].rules[4].fields.command: must not be empty");
    }

    @Test
    void independentProblemsAreReportedTogether() {
        Path base = write("switchboard.yaml", BASE.replace("http://127.0.0.1:9101/work", "ftp://x/work")
                + "server: {prot: 8080}\nqueue: {capacity: lots}\ndelivery: {max_attempts: 0}\n");

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(base, Optional.empty(), Map.of()));

        assertThat(e.problems()).extracting(ConfigProblem::keyPath).containsExactlyInAnyOrder(
                "pools.strong.workers[0].url", "server.prot", "queue.capacity", "delivery.max_attempts");
        assertThat(e.getMessage().lines()).hasSize(4);
    }

    @Test
    void alertsSectionIsOptionalAndItsWebhooksAreBound() {
        Path none = write("none.yaml", BASE);
        Path some = write("some.yaml", BASE + """
                alerts:
                  evaluation_interval_ms: 5000
                  latency_slo_ms: 2000
                  webhooks:
                    - {url: "https://hooks.example.com/services/T0/B0/secret", format: Slack}
                    - {url: "http://127.0.0.1:9000/alerts", timeout_ms: 1000}
                """);

        AlertsConfig defaults = ConfigLoader.load(none, Optional.empty(), Map.of()).alerts();
        AlertsConfig alerts = ConfigLoader.load(some, Optional.empty(), Map.of()).alerts();

        assertThat(defaults).isEqualTo(AlertsConfig.defaults());
        assertThat(defaults.webhooks()).isEmpty();
        assertThat(defaults.evaluationIntervalMs()).isEqualTo(15_000L);
        assertThat(alerts.evaluationIntervalMs()).isEqualTo(5_000L);
        assertThat(alerts.latencySloMs()).isEqualTo(2_000L);
        assertThat(alerts.errorRateThreshold()).isEqualTo(0.1);
        assertThat(alerts.webhooks()).extracting(WebhookConfig::format, WebhookConfig::timeoutMs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("slack", 5_000L),
                        org.assertj.core.groups.Tuple.tuple("json", 1_000L));
    }

    @Test
    void unknownAndInvalidAlertKeysAreReportedAtTheirFullPath() {
        Path base = write("switchboard.yaml", BASE + """
                alerts:
                  evaluation_interval: 5000
                  error_rate_threshold: 1.5
                  webhooks:
                    - {url: "https://hooks.example.com/x", fromat: slack}
                    - {url: "hooks.example.com/y", format: teams}
                """);

        assertThat(problems(base, Optional.empty(), Map.of())).extracting(p -> p.keyPath() + ": " + p.reason())
                .containsExactlyInAnyOrder(
                        "alerts.evaluation_interval: unknown key (did you mean 'evaluation_interval_ms'?)",
                        "alerts.webhooks[0].fromat: unknown key (did you mean 'format'?)",
                        "alerts.webhooks[1].url: must be an absolute http:// or https:// URL");
        Path threshold = write("threshold.yaml", BASE + "alerts: {error_rate_threshold: 1.5}\n");
        assertThat(problems(threshold, Optional.empty(), Map.of())).extracting(p -> p.keyPath() + ": " + p.reason())
                .containsExactly("alerts.error_rate_threshold: must be between 0.0 and 1.0, got 1.5");
    }

    @Test
    void yamlSyntaxErrorIsReportedWithLineAndColumn() {
        Path base = write("switchboard.yaml", "server:\n  port: 8080\n  host: [127.0.0.1\npools: {}\n");

        List<ConfigProblem> problems = problems(base, Optional.empty(), Map.of());

        assertThat(problems).hasSize(1);
        assertThat(problems.getFirst().keyPath()).matches("4:\\d+");
        assertThat(problems.getFirst().toString()).startsWith(base + ":4:");
    }

    @Test
    void duplicateKeyIsAnError() {
        Path base = write("switchboard.yaml", BASE + "server: {port: 1}\nserver: {port: 2}\n");

        List<ConfigProblem> problems = problems(base, Optional.empty(), Map.of());

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.keyPath()).matches("\\d+:\\d+");
            assertThat(p.reason()).contains("server");
        });
    }

    @Test
    void missingFileSaysSo() {
        Path missing = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> ConfigLoader.load(missing, Optional.empty(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": no such file (looked for " + missing.toAbsolutePath() + ")");
    }

    private List<ConfigProblem> problems(Path file, Optional<String> profile, Map<String, String> env) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, profile, env));
        assertThat(e).as("expected the configuration to be rejected").isNotNull();
        return e.problems();
    }

    private Path write(String name, String yaml) {
        try {
            return Files.writeString(dir.resolve(name), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void storeAndEventsSectionsAreBoundWithTheirDefaults() {
        SwitchboardConfig none = ConfigLoader.load(write("none.yaml", BASE), Optional.empty(), Map.of());
        assertThat(none.store().durability()).isEqualTo("fsync");
        assertThat(none.store().path()).isEqualTo("./data");
        assertThat(none.store().defaultTtlMs()).isEqualTo(3_600_000L);
        assertThat(none.events()).isEmpty();

        SwitchboardConfig some = ConfigLoader.load(write("some.yaml", BASE + """
                store: {path: /var/lib/switchboard, durability: batch, max_messages: 500, retention_ms: 0}
                events:
                  - {type: webhook, url: "https://hooks.example.com/x", timeout_ms: 1000}
                  - {type: log}
                  - {type: webhook, url: "http://127.0.0.1:9000/events"}
                """), Optional.empty(), Map.of());
        assertThat(some.store().fsync()).isFalse();
        assertThat(some.store().maxMessages()).isEqualTo(500L);
        assertThat(some.eventSinkNames()).containsExactly("webhook", "log", "webhook-2");
    }

    @Test
    void badStoreAndEventSettingsNameTheirKeys() {
        Path base = write("switchboard.yaml", BASE + """
                store: {durability: sometimes}
                events:
                  - {type: kafka}
                  - {type: webhook}
                  - {type: log, url: "http://x"}
                """);

        assertThat(problems(base, Optional.empty(), Map.of())).extracting(ConfigProblem::keyPath)
                .containsExactlyInAnyOrder("store.durability", "events[0].type", "events[1].url", "events[2].url");
        assertThat(problems(write("max.yaml", BASE + "store: {max_messages: 0}\n"), Optional.empty(), Map.of()))
                .extracting(p -> p.keyPath() + ": " + p.reason())
                .containsExactly("store.max_messages: must be greater than 0, got 0");
    }

    @Test
    void aWorkersRateLimitIsBoundAndCheckedAndShownByCheck() {
        SwitchboardConfig config = ConfigLoader.load(write("rate.yaml", BASE.replace("9101/work\"}",
                "9101/work\", max_concurrency: 4, max_requests_per_second: 2.5}")), Optional.empty(), Map.of());
        WorkerConfig w = config.pools().values().stream().flatMap(p -> p.workers().stream())
                .filter(x -> x.maxRequestsPerSecond() != null).findFirst().orElseThrow();
        assertThat(w.burst()).isEqualTo(3);
        assertThat(ConfigSummary.render(config)).contains("max_concurrency 4  max 2.5/s, burst 3");

        assertThat(problems(write("rate-bad.yaml", BASE.replace("9101/work\"}",
                "9101/work\", max_requests_per_second: 0}")), Optional.empty(), Map.of()))
                .extracting(ConfigProblem::reason).singleElement().asString()
                .isEqualTo("must be more than 0 and at most 1000000, got 0.0");
        assertThat(problems(write("burst-alone.yaml", BASE.replace("9101/work\"}",
                "9101/work\", burst: 5}")), Optional.empty(), Map.of()))
                .extracting(ConfigProblem::reason).containsExactly("goes with max_requests_per_second");
    }

    @Test
    void aRedisStoreIsBoundWithItsDefaultsAndRefusesEmbeddedOnlyKeys() {
        SwitchboardConfig redis = ConfigLoader.load(write("redis.yaml", BASE + """
                store: {type: redis, url: "redis://:secret@10.0.0.5:6380/1"}
                """), Optional.empty(), Map.of());
        assertThat(redis.store().keyPrefix()).isEqualTo("switchboard:");
        assertThat(redis.store().instanceTimeoutMs()).isEqualTo(10_000L);
        assertThat(redis.store().instanceId()).isNull();
        assertThat(ConfigSummary.render(redis)).contains("store     redis 10.0.0.5:6380 keys switchboard:*")
                .doesNotContain("secret");

        assertThat(problems(write("bad.yaml", BASE + """
                store: {type: redis, url: "http://x", path: /data, durability: batch, instance_id: "a b",
                        instance_timeout_ms: 10}
                """), Optional.empty(), Map.of())).extracting(ConfigProblem::keyPath)
                .containsExactly("store.url");
        assertThat(problems(write("bad2.yaml", BASE + """
                store: {type: redis, url: "redis://x:6379", path: /data}
                """), Optional.empty(), Map.of())).extracting(p -> p.keyPath() + ": " + p.reason())
                .singleElement().asString().startsWith("store.path: applies to the embedded store");
        assertThat(problems(write("bad3.yaml", BASE + """
                store: {type: redis, url: "redis://x:6379", instance_id: "a b"}
                """), Optional.empty(), Map.of())).extracting(ConfigProblem::keyPath)
                .containsExactly("store.instance_id");
        assertThat(problems(write("bad4.yaml", BASE + """
                store: {key_prefix: "sb:"}
                """), Optional.empty(), Map.of())).extracting(p -> p.keyPath() + ": " + p.reason())
                .containsExactly("store.key_prefix: applies to the redis store (type: redis)");
    }

    @Test
    void redisEventSinksNeedARedisUrlAndTheirChannelOrKey() {
        Path good = write("good.yaml", BASE + """
                events:
                  - {type: redis-pubsub, url: "redis://127.0.0.1:6379", channel: messages_fetched}
                  - {type: redis-stream, url: "rediss://cache:6380/2", key: events}
                """);
        SwitchboardConfig config = ConfigLoader.load(good, Optional.empty(), Map.of());
        assertThat(config.events().get(1).maxLen()).isEqualTo(100_000L);
        assertThat(config.eventSinkNames()).containsExactly("redis-pubsub", "redis-stream");

        Path bad = write("bad.yaml", BASE + """
                events:
                  - {type: redis-pubsub, url: "http://127.0.0.1:6379", channel: c}
                  - {type: redis-pubsub, url: "redis://127.0.0.1:6379"}
                  - {type: redis-stream, url: "redis://127.0.0.1:6379"}
                  - {type: webhook, url: "http://h/x", channel: c}
                  - {type: log, key: k}
                """);
        assertThat(problems(bad, Optional.empty(), Map.of())).extracting(ConfigProblem::keyPath).containsExactly(
                "events[0].url", "events[1].channel", "events[2].key", "events[3].channel", "events[4].key");
    }

    @Test
    void anEventTemplateKeepsItsFieldOrderAndBadPlaceholdersAreNamed() {
        SwitchboardConfig config = ConfigLoader.load(write("t.yaml", BASE + """
                events:
                  - type: redis-pubsub
                    url: "redis://127.0.0.1:6379"
                    channel: events
                    when: delivered
                    template: {event: messages_fetched, chat: "{{content.chat}}", count: "{{result.message_count}}"}
                """), Optional.empty(), Map.of());
        assertThat(config.events().get(0).template().keySet()).containsExactly("event", "chat", "count");
        assertThat(config.events().get(0).when()).isEqualTo("delivered");

        assertThat(problems(write("bad.yaml", BASE + """
                events:
                  - {type: log, when: sometimes}
                  - {type: log, template: {chat: "{{content.chat"}}
                """), Optional.empty(), Map.of())).extracting(ConfigProblem::keyPath)
                .containsExactly("events[0].when", "events[1].template.chat");
    }

    @Test
    void twoEventSinksMayNotShareAName() {
        Path base = write("switchboard.yaml", BASE + """
                events: [{type: log, name: audit}, {type: webhook, name: audit, url: "http://127.0.0.1:9/e"}]
                """);

        assertThat(problems(base, Optional.empty(), Map.of())).extracting(p -> p.keyPath() + ": " + p.reason())
                .singleElement().asString().startsWith("events[1].name: event sink name 'audit' is already used");
    }

    @Test
    void aRedisStreamIngressGetsItsDefaultsAndAListIngressNone() {
        SwitchboardConfig config = ConfigLoader.load(write("ingress.yaml", BASE + """
                ingress:
                  - {type: redis-stream, url: "redis://127.0.0.1:6379", key: tg_commands}
                  - {type: redis-stream, url: "redis://127.0.0.1:6379", key: s, group: fetch, consumer: engine-1,
                     claim_idle_ms: 200, max_deliveries: 1, batch: 10000, trim: false}
                  - {type: redis-list, url: "redis://127.0.0.1:6379", key: tg_list}
                """), Optional.empty(), Map.of());

        IngressConfig stream = config.ingress().get(0);
        assertThat(stream.group()).isEqualTo("switchboard");
        assertThat(stream.consumer("host-a")).isEqualTo("host-a");
        assertThat(stream.claimIdleMs()).isEqualTo(30_000L);
        assertThat(stream.maxDeliveries()).isEqualTo(5L);
        assertThat(stream.batch()).isEqualTo(100L);
        assertThat(stream.trim()).isTrue();
        assertThat(stream.pollTimeoutMs()).isEqualTo(1_000L);
        IngressConfig set = config.ingress().get(1);
        assertThat(set.consumer("host-a")).isEqualTo("engine-1");
        assertThat(List.of(set.group(), set.claimIdleMs(), set.maxDeliveries(), set.batch(), set.trim()))
                .containsExactly("fetch", 200L, 1L, 10_000L, false);
        IngressConfig list = config.ingress().get(2);
        assertThat(list.processingKey("host-a")).isEqualTo("tg_list:processing:host-a");
        assertThat(list.group()).isNull();
        assertThat(list.trim()).isNull();
    }

    @Test
    void ingressKeysOfTheOtherTypeAndBadStreamSettingsNameTheirKeys() {
        Path bad = write("ingress.yaml", BASE + """
                ingress:
                  - {type: redis-stream, url: "redis://127.0.0.1:6379", key: s, processing_key: "s:processing"}
                  - {type: redis-list, url: "redis://127.0.0.1:6379", key: l, group: g}
                  - {type: redis-list, url: "redis://127.0.0.1:6379", key: l, claim_idle_ms: 1000}
                  - {type: redis-list, url: "redis://127.0.0.1:6379", key: l, trim: false}
                  - {type: redis-stream, url: "redis://127.0.0.1:6379", key: s, max_deliveries: 0}
                  - {type: redis-stream, url: "redis://127.0.0.1:6379", key: s, batch: 10001}
                  - {type: redis-stream, url: "redis://127.0.0.1:6379", key: s, claim_idle_ms: 50}
                  - {type: redis-stream, url: "redis://127.0.0.1:6379", key: s, consumer: " "}
                  - {type: redis-stream, url: "redis://127.0.0.1:6379"}
                  - {type: redis-stream, url: "http://127.0.0.1:6379", key: s}
                  - {type: redis-streams, url: "redis://127.0.0.1:6379", key: s}
                  - {type: redis-stream, url: "redis://127.0.0.1:6379", key: s, trim: sometimes}
                  - {type: redis-stream, url: "redis://127.0.0.1:6379", key: s, max_delivery: 3}
                  - {type: redis-list, url: "redis://127.0.0.1:6379", key: l, required_fields: [chat, "meta..x"]}
                """);

        List<ConfigProblem> problems = problems(bad, Optional.empty(), Map.of());

        assertThat(problems).extracting(p -> p.keyPath() + ": " + p.reason()).containsExactly(
                "ingress[0].processing_key: only a redis-list ingress takes it; a redis-stream ingress keeps what it "
                        + "read in its consumer group until it is stored",
                "ingress[1].group: only a redis-stream ingress takes it",
                "ingress[2].claim_idle_ms: only a redis-stream ingress takes it",
                "ingress[3].trim: only a redis-stream ingress takes it",
                "ingress[4].max_deliveries: must be at least 1, got 0",
                "ingress[5].batch: must be at most 10000, got 10001",
                "ingress[6].claim_idle_ms: must be at least 100, got 50",
                "ingress[7].consumer: must not be blank",
                "ingress[8].key: is required: the stream producers add entries to",
                "ingress[9].url: a redis-stream ingress needs url: redis://host:port",
                "ingress[10].type: unknown ingress type 'redis-streams' (did you mean 'redis-stream'?); one of "
                        + "redis-list, redis-stream",
                "ingress[11].trim: expected true or false, got 'sometimes'",
                "ingress[12].max_delivery: unknown key (did you mean 'max_deliveries'?)",
                "ingress[13].required_fields[1]: must be a field name, with dots between the names of nested objects "
                        + "(e.g. chat or meta.source), got 'meta..x'");
        assertThat(problems.get(1).toString())
                .isEqualTo(bad + ":ingress[1].group: only a redis-stream ingress takes it");
    }
}
