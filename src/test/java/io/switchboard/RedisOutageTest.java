package io.switchboard;

import io.switchboard.testing.Engines;
import io.switchboard.testing.Http;
import io.switchboard.testing.RedisServer;
import io.switchboard.testing.TestWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis, as a Redis store, killed with SIGKILL and restarted on its files while producers keep submitting: what was
 * accepted before is delivered, submissions during the outage get 503 with Retry-After, synchronous routing goes on,
 * {@code /ready} says what is missing without leaving rotation, and the engine resumes by itself. An engine also
 * starts while Redis is down, and takes messages once it is up.
 */
class RedisOutageTest {

    private static final int PRODUCERS = 4;
    /** An engine whose store is the Redis on the port it is formatted with. */
    private static final String CONFIG = """
            server: {port: 0}
            classes: [{name: chat, patterns: ["hello"]}]
            default_class: chat
            pools: {main: {workers: [{id: w, url: "{{w}}"}]}}
            routes: [{class: chat, pool: main}]
            store: {type: redis, url: "redis://127.0.0.1:%d", write_timeout_ms: 1000}
            """;

    @TempDir
    Path dir;

    @Test
    void redisKilledAndRestartedUnderLoadLosesNoAcceptedMessage() throws Exception {
        int port = RedisServer.freePort();
        Path data = Files.createDirectories(dir.resolve("redis"));
        RedisServer redis = RedisServer.start(port, data, true);
        Map<String, String> accepted = new ConcurrentHashMap<>();
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        AtomicInteger unavailable = new AtomicInteger();
        AtomicInteger withoutRetryAfter = new AtomicInteger();
        try (TestWorker worker = TestWorker.start("w");
             Switchboard engine = Engines.start(dir, CONFIG.formatted(port), worker)) {
            worker.latency(1, 5).onReceive(r -> delivered.add(r.body().path("id").asText()));
            AtomicBoolean producing = new AtomicBoolean(true);
            AtomicInteger sequence = new AtomicInteger();
            List<Thread> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                producers.add(Thread.ofVirtual().start(() -> {
                    while (producing.get()) {
                        String tag = "m" + sequence.incrementAndGet();
                        Http.Answer r = Http.postJson(engine.port(), "/v1/messages",
                                "{\"content\":\"hello " + tag + "\"}");
                        if (r.status() == 202) {
                            accepted.put(r.json().path("id").asText(), tag);
                        } else if (r.status() == 503) {
                            unavailable.incrementAndGet();
                            if (r.header("Retry-After") == null) {
                                withoutRetryAfter.incrementAndGet();
                            }
                        }
                    }
                }));
            }
            await().atMost(30, TimeUnit.SECONDS).until(() -> accepted.size() >= 500);
            redis.close();
            int acceptedBeforeKill = accepted.size();

            await("503 while Redis is down").atMost(20, TimeUnit.SECONDS).until(() -> unavailable.get() > 0);
            Http.Answer ready = Http.get(engine.port(), "/ready");
            assertThat(ready.status()).as(ready.text()).isEqualTo(200);
            assertThat(ready.json().path("status").asText()).isEqualTo("degraded");
            assertThat(ready.json().path("reasons").toString()).contains("redis store is failing");
            Http.Answer routed = Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello while redis is down\"}");
            assertThat(routed.status()).as(routed.text()).isEqualTo(200);

            try (RedisServer restarted = RedisServer.start(port, data, true)) {
                await("submissions accepted again").atMost(30, TimeUnit.SECONDS)
                        .until(() -> accepted.size() > acceptedBeforeKill + 200);
                producing.set(false);
                for (Thread t : producers) {
                    assertThat(t.join(Duration.ofSeconds(15))).isTrue();
                }
                await("every accepted message delivered").atMost(60, TimeUnit.SECONDS)
                        .pollInterval(Duration.ofMillis(200)).until(() -> delivered.containsAll(accepted.keySet()));
                assertThat(withoutRetryAfter.get()).isZero();
                assertThat(Http.get(engine.port(), "/ready").json().path("status").asText()).isEqualTo("ready");
                assertThat(Http.get(engine.port(), "/metrics").text())
                        .containsPattern("switchboard_redis_reconnects_total\\{component=\"store\"[^}]*} [1-9]");
                await("every accepted message reported delivered").atMost(30, TimeUnit.SECONDS)
                        .pollInterval(Duration.ofMillis(200)).until(() -> accepted.keySet().stream().allMatch(id ->
                                "delivered".equals(Http.get(engine.port(), "/v1/messages/" + id).json()
                                        .path("status").asText())));
            }
        }
    }

    @Test
    void anEngineStartsWhileRedisIsDownRoutesMeanwhileAndTakesMessagesOnceItIsUp() throws Exception {
        int port = RedisServer.freePort();
        try (TestWorker worker = TestWorker.start("w");
             Switchboard engine = Engines.start(dir, CONFIG.formatted(port), worker)) {
            Http.Answer ready = Http.get(engine.port(), "/ready");
            assertThat(ready.status()).as(ready.text()).isEqualTo(200);
            assertThat(ready.json().path("status").asText()).isEqualTo("degraded");
            Http.Answer refused = Http.postJson(engine.port(), "/v1/messages", "{\"content\":\"hello early\"}");
            assertThat(refused.status()).as(refused.text()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isNotNull();
            assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}").status()).isEqualTo(200);

            try (RedisServer redis = RedisServer.start(port)) {
                await("submissions accepted once Redis is up").atMost(30, TimeUnit.SECONDS).until(() ->
                        Http.postJson(engine.port(), "/v1/messages", "{\"content\":\"hello later\"}").status() == 202);
                await("delivered").atMost(30, TimeUnit.SECONDS).until(() -> worker.received().stream()
                        .anyMatch(r -> r.body().path("content").asText().equals("hello later")));
                assertThat(Http.get(engine.port(), "/ready").json().path("status").asText()).isEqualTo("ready");
            }
        }
    }
}
