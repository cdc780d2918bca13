package io.switchboard.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.switchboard.config.ConfigLoader;
import io.switchboard.dispatch.Worker;
import io.switchboard.message.Json;
import io.switchboard.observe.EngineMetrics;
import io.switchboard.testing.FakeTicker;
import io.switchboard.testing.RedisServer;
import io.switchboard.time.Ticker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

/** Two engine instances in one JVM, each with its own workers, keeping circuits and concurrency shares in step. */
class RedisClusterTest {

    static final Duration OPEN = Duration.ofSeconds(30);

    final String prefix = "test:" + UUID.randomUUID() + ":";
    final List<AutoCloseable> closing = new ArrayList<>();
    final FakeTicker ticker = FakeTicker.create();
    RedisServer redis;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    @Test
    void aCircuitOpenedOnOneInstanceOpensOnTheOtherWhichDoesNotAnnounceItAgain() {
        Worker a1 = worker("main", "w1", 4);
        Worker b1 = worker("main", "w1", 4);
        Worker b2 = worker("main", "w2", 4);
        RedisCluster a = cluster("a", a1);
        RedisCluster b = cluster("b", b1, b2);
        List<String> heard = redis().subscribe(prefix + "breakers");
        awaitConnected(a, b);

        a1.breaker().transitionToOpenState();

        await().atMost(5, TimeUnit.SECONDS).until(() -> b1.breaker().getState() == CircuitBreaker.State.OPEN);
        assertThat(b2.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        // An opening of B's own comes after any echo of A's would have, on the same connection.
        b2.breaker().transitionToOpenState();
        await().atMost(5, TimeUnit.SECONDS).until(() -> heard.size() >= 2);
        assertThat(heard).extracting(m -> field(m, "instance") + " " + field(m, "pool") + "/" + field(m, "worker"))
                .containsExactly("a main/w1", "b main/w2");
        JsonNode first = json(heard.get(0));
        assertThat(first.path("state").asText()).isEqualTo("open");
        assertThat(first.path("open_ms").asLong()).isEqualTo(OPEN.toMillis());
    }

    @Test
    void aCircuitOpenedByAPeerFollowsItsOwnOpenPeriodAndProbes() {
        Worker a1 = worker("main", "w1", 4);
        Worker b1 = worker("main", "w1", 4);
        RedisCluster a = cluster("a", a1);
        RedisCluster b = cluster("b", b1);
        awaitConnected(a, b);

        a1.breaker().transitionToOpenState();
        await().atMost(5, TimeUnit.SECONDS).until(() -> b1.breaker().getState() == CircuitBreaker.State.OPEN);
        assertThat(b1.circuitAdmits()).isFalse();
        assertThat(b1.tryAcquire()).isFalse();

        ticker.advance(OPEN.plusMillis(1));
        assertThat(b1.circuitAdmits()).isTrue();
        assertThat(b1.tryAcquire()).isTrue();
        assertThat(b1.breaker().getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    }

    @Test
    void anOpeningOfAWorkerThisInstanceDoesNotHaveIsIgnored() {
        Worker a1 = worker("main", "w1", 4);
        Worker aOnly = worker("main", "only-a", 4);
        Worker b1 = worker("main", "w1", 4);
        Worker bOtherPool = worker("spare", "only-a", 4);
        RedisCluster a = cluster("a", a1, aOnly);
        RedisCluster b = cluster("b", b1, bOtherPool);
        awaitConnected(a, b);

        aOnly.breaker().transitionToOpenState();
        a1.breaker().transitionToOpenState();

        // B takes messages in order: once the second one opened w1, the first one has been dealt with.
        await().atMost(5, TimeUnit.SECONDS).until(() -> b1.breaker().getState() == CircuitBreaker.State.OPEN);
        assertThat(bOtherPool.breaker().getState()).as("same worker id, another pool")
                .isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void anInstanceIgnoresMessagesInItsOwnName() {
        Worker a1 = worker("main", "w1", 4);
        Worker a2 = worker("main", "w2", 4);
        RedisCluster a = cluster("a", a1, a2);
        awaitConnected(a);

        publish("a", "main", "w1");
        publish("someone-else", "main", "w2");

        await().atMost(5, TimeUnit.SECONDS).until(() -> a2.breaker().getState() == CircuitBreaker.State.OPEN);
        assertThat(a1.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void twoLiveInstancesEachTakeHalfOfMaxConcurrencyRoundedUpAndOneLeavingGivesItBack() {
        Worker a5 = worker("main", "w1", 5);
        Worker aOne = worker("main", "w2", 1);
        Worker b5 = worker("main", "w1", 5);
        RedisCluster a = cluster("a", a5, aOne);
        RedisCluster b = cluster("b", b5);
        assertThat(a5.concurrencyLimit()).isEqualTo(5);

        await().atMost(10, TimeUnit.SECONDS).until(() -> a.instances() == 2 && b.instances() == 2);
        await().atMost(5, TimeUnit.SECONDS).until(() -> a5.concurrencyLimit() == 3 && b5.concurrencyLimit() == 3);
        assertThat(aOne.concurrencyLimit()).as("at least one").isEqualTo(1);
        assertThat(a5.maxConcurrency()).as("still the configured fleet-wide limit").isEqualTo(5);
        assertThat(takeAll(a5)).isEqualTo(3);

        b.close();

        await().atMost(10, TimeUnit.SECONDS).until(() -> a.instances() == 1 && a5.concurrencyLimit() == 5);
        assertThat(takeAll(a5)).as("the two slots given back").isEqualTo(2);
    }

    @Test
    void anInstanceThatStopsBeatingIsForgottenAfterTheLivenessWindow() {
        Worker a5 = worker("main", "w1", 5);
        RedisCluster a = cluster("a", Duration.ofSeconds(2), a5);
        var commands = redis().commands();

        // A peer that beats while the test waits, then dies without leaving.
        await().atMost(10, TimeUnit.SECONDS).until(() -> {
            List<String> time = commands.time();
            long now = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
            commands.zadd(prefix + "members", now, "crashed");
            return a5.concurrencyLimit() == 3;
        });

        await().atMost(10, TimeUnit.SECONDS).until(() -> a.instances() == 1 && a5.concurrencyLimit() == 5);
        assertThat(commands.zrange(prefix + "members", 0, -1)).containsExactly("a");
    }

    @Test
    void withRedisUnreachableTheInstanceKeepsItsLocalStateAndNeverThrows() {
        Worker w = worker("main", "w1", 5);
        AtomicInteger reconnects = new AtomicInteger();
        RedisCluster c = new RedisCluster(URI.create("redis://127.0.0.1:" + RedisServer.freePort()), prefix, "a",
                List.of(w), Membership.LIVENESS, reconnects::incrementAndGet);

        assertThatCode(c::start).doesNotThrowAnyException();
        assertThat(c.connected()).isFalse();
        assertThat(c.instances()).isEqualTo(1);
        assertThat(w.concurrencyLimit()).isEqualTo(5);
        assertThat(takeAll(w)).isEqualTo(5);
        assertThatCode(() -> w.breaker().transitionToOpenState()).doesNotThrowAnyException();
        assertThat(w.breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThatCode(c::close).doesNotThrowAnyException();
        assertThat(reconnects).hasValue(0);
    }

    @Test
    void reconnectsWhenRedisIsBackCountsItAndHearsPeersAgain() throws IOException {
        int port = RedisServer.freePort();
        Worker w = worker("main", "w1", 5);
        EngineMetrics metrics = EngineMetrics.create(
                ConfigLoader.load(Path.of("config", "development.yaml"), Optional.empty(), Map.of()), Ticker.system());
        closing.add(metrics);
        RedisCluster c = new RedisCluster(URI.create("redis://127.0.0.1:" + port), prefix, "a", List.of(w),
                Membership.LIVENESS, metrics.redisReconnects("cluster"));
        closing.add(c);
        c.start();

        RedisServer first = RedisServer.start(port);
        closing.add(first);
        await().atMost(10, TimeUnit.SECONDS).until(c::connected);
        assertThat(metrics.scrape()).contains("switchboard_redis_reconnects_total{component=\"cluster\"} 0.0");
        first.close();
        await().atMost(10, TimeUnit.SECONDS).until(() -> !c.connected());

        redis = RedisServer.start(port);
        closing.add(redis);
        await().atMost(10, TimeUnit.SECONDS).until(c::connected);
        assertThat(metrics.scrape()).contains("switchboard_redis_reconnects_total{component=\"cluster\"} 1.0");
        publish("b", "main", "w1");
        await().atMost(5, TimeUnit.SECONDS).until(() -> w.breaker().getState() == CircuitBreaker.State.OPEN);
    }

    private RedisCluster cluster(String instance, Worker... workers) {
        return cluster(instance, Membership.LIVENESS, workers);
    }

    private RedisCluster cluster(String instance, Duration liveness, Worker... workers) {
        RedisCluster c = new RedisCluster(redis().uri(), prefix, instance, List.of(workers), liveness, () -> { });
        closing.add(c);
        c.start();
        return c;
    }

    private RedisServer redis() {
        if (redis == null) {
            redis = RedisServer.local();
            closing.addFirst(redis);
        }
        return redis;
    }

    private Worker worker(String pool, String id, int maxConcurrency) {
        CircuitBreaker breaker = CircuitBreaker.of(id, CircuitBreakerConfig.custom()
                .waitDurationInOpenState(OPEN)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .clock(ticker.asClock())
                .build());
        return new Worker(id, pool, URI.create("http://127.0.0.1:9000/" + id), 1, maxConcurrency, breaker, ticker,
                OPEN.toNanos());
    }

    private static void awaitConnected(RedisCluster... clusters) {
        for (RedisCluster c : clusters) {
            await().atMost(10, TimeUnit.SECONDS).until(c::connected);
        }
    }

    private void publish(String instance, String pool, String worker) {
        redis().commands().publish(prefix + "breakers", Json.mapper().createObjectNode().put("instance", instance)
                .put("pool", pool).put("worker", worker).put("state", "open").put("open_ms", 30_000).toString());
    }

    /** Takes every free slot of {@code w}; returns how many it got. */
    private static int takeAll(Worker w) {
        int n = 0;
        while (w.tryAcquire()) {
            n++;
        }
        return n;
    }

    private static String field(String message, String name) {
        return json(message).path(name).asText();
    }

    private static JsonNode json(String message) {
        try {
            return Json.mapper().readTree(message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
