package io.switchboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.cluster.Cluster;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.message.Ids;
import io.switchboard.observe.EngineMetrics;
import io.switchboard.testing.Engines;
import io.switchboard.testing.Http;
import io.switchboard.testing.RedisServer;
import io.switchboard.testing.TestWorker;
import io.switchboard.time.Ticker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An engine shares state with other instances only when its store is Redis, and then with every engine on it: circuit
 * openings, and its share of each worker's max_concurrency and max_requests_per_second.
 */
class ClusterWiringTest {

    @TempDir
    Path dir;

    @Test
    void anEngineWithTheEmbeddedStoreSharesNothing() throws Exception {
        SwitchboardConfig config = ConfigLoader.load(Path.of("config", "development.yaml"), Optional.empty(), Map.of());
        try (EngineMetrics metrics = EngineMetrics.create(config, Ticker.system())) {
            assertThat(config.store().type()).isEqualTo("embedded");
            assertThat(Switchboard.clusterFor(config, "e", List.of(), metrics)).isSameAs(Cluster.LOCAL);
        }
    }

    @Test
    void twoEnginesOnOneRedisStoreShareCircuitOpeningsConcurrencyAndRate() throws Exception {
        String prefix = "sbwire:" + Ids.newTraceId(System.currentTimeMillis()) + ":";
        String yaml = """
                server: {port: 0}
                classes: [{name: chat, patterns: ["hello"]}]
                default_class: chat
                pools: {main: {workers: [{id: w, url: "{{w}}", max_concurrency: 9, max_requests_per_second: 100}]}}
                routes: [{class: chat, pool: main}]
                delivery: {max_attempts: 1}
                circuit_breaker: {minimum_calls: 4, window_size: 4, failure_rate_threshold: 50, open_ms: 60000}
                store: {type: redis, url: "%s", key_prefix: "%s", instance_id: %s}
                """;
        try (RedisServer redis = RedisServer.local(); TestWorker worker = TestWorker.start("w");
             Switchboard a = Engines.start(dir, yaml.formatted(redis.uri(), prefix, "a"), worker);
             Switchboard b = Engines.start(dir, yaml.formatted(redis.uri(), prefix, "b"), worker)) {
            await("each engine's share of max_concurrency 9").atMost(15, TimeUnit.SECONDS)
                    .until(() -> limit(a) == 5 && limit(b) == 5);
            assertThat(workerOf(a).path("rate_limit").asDouble()).as("half of 100/s").isEqualTo(50.0);
            assertThat(workerOf(b).path("rate_limit").asDouble()).isEqualTo(50.0);

            worker.answer(r -> TestWorker.Reply.status(500));
            await("A's circuit opens").atMost(15, TimeUnit.SECONDS).until(() -> {
                Http.postJson(a.port(), "/v1/route", "{\"content\":\"hello\"}");
                return "open".equals(workerOf(a).path("circuit").asText());
            });
            int reachedWorker = worker.count();

            await("B's circuit opens without B sending anything").atMost(10, TimeUnit.SECONDS)
                    .until(() -> "open".equals(workerOf(b).path("circuit").asText()));
            assertThat(worker.count()).isEqualTo(reachedWorker);
            a.close();
            b.close();
            redis.deleteKeys(prefix);
        }
    }

    private static JsonNode workerOf(Switchboard engine) {
        return Http.get(engine.port(), "/v1/health/details").json().path("pools").path(0).path("workers").path(0);
    }

    private static int limit(Switchboard engine) {
        return workerOf(engine).path("concurrency_limit").asInt();
    }
}
