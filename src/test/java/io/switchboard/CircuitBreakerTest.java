package io.switchboard;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.switchboard.dispatch.Worker;
import io.switchboard.testing.Engines;
import io.switchboard.testing.FakeTicker;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestWorker;
import io.switchboard.testing.TestWorker.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A dead worker's breaker opens quickly, traffic moves to the healthy ones, and it recovers through half-open. */
class CircuitBreakerTest {

    static final String CONFIG = """
            server: {port: 0}
            classes: [{name: chat, patterns: ["hello"]}]
            default_class: chat
            pools:
              main:
                strategy: round-robin
                workers:
                  - {id: dead, url: "{{dead}}"}
                  - {id: ok-1, url: "{{ok-1}}"}
                  - {id: ok-2, url: "{{ok-2}}"}
                  - {id: ok-3, url: "{{ok-3}}"}
            routes: [{class: chat, pool: main}]
            delivery: {max_attempts: 3, backoff: {initial_ms: 0, max_ms: 0}, retry_budget: {ratio: 0.5}}
            circuit_breaker: {failure_rate_threshold: 50, minimum_calls: 10, window_size: 20, open_ms: 30000, half_open_calls: 2}
            """;

    @TempDir
    Path dir;
    final FakeTicker ticker = FakeTicker.create();
    TestWorker dead;
    TestWorker[] healthy;
    Switchboard engine;

    @BeforeEach
    void start() {
        dead = TestWorker.start("dead").answer(r -> Reply.status(503));
        healthy = new TestWorker[] {TestWorker.start("ok-1"), TestWorker.start("ok-2"), TestWorker.start("ok-3")};
        engine = Engines.start(ticker, dir, CONFIG, dead, healthy[0], healthy[1], healthy[2]);
    }

    @AfterEach
    void stop() {
        engine.close();
        dead.close();
        for (TestWorker w : healthy) {
            w.close();
        }
    }

    private Worker worker(String id) {
        return engine.pools().get("main").workers().stream().filter(w -> w.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void breakerOfADeadWorkerOpensWithin20CallsAndEveryRequestStillSucceeds() {
        int ok = 0;
        int sent = 0;
        for (int i = 0; i < 200; i++) {
            sent++;
            var answer = Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello " + i + "\"}");
            if (answer.status() == 200) {
                ok++;
            }
            if (worker("dead").breaker().getState() == CircuitBreaker.State.OPEN) {
                break;
            }
        }
        assertThat(worker("dead").breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(dead.count()).isLessThanOrEqualTo(20);
        int callsWhenOpened = dead.count();

        for (int i = 0; i < 100; i++) {
            assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}").status()).isEqualTo(200);
        }
        assertThat(dead.count()).as("no calls reach an open circuit").isEqualTo(callsWhenOpened);
        assertThat(ok).as("retries on healthy workers hide the dead one").isEqualTo(sent);
    }

    @Test
    void openBreakerProbesAfterOpenMsAndClosesWhenTheWorkerRecovers() {
        worker("dead").breaker().transitionToOpenState();
        dead.answer(r -> Reply.ok("{\"worker\":\"dead\",\"recovered\":true}"));

        for (int i = 0; i < 20; i++) {
            Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}");
        }
        assertThat(dead.count()).as("still open before open_ms passes").isZero();

        ticker.advance(Duration.ofMillis(30_001));
        for (int i = 0; i < 40 && worker("dead").breaker().getState() != CircuitBreaker.State.CLOSED; i++) {
            assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}").status()).isEqualTo(200);
        }

        assertThat(worker("dead").breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(dead.count()).as("the half-open probes reached it").isEqualTo(2);
    }

    @Test
    void failedProbeReopensTheBreaker() {
        worker("dead").breaker().transitionToOpenState();
        ticker.advance(Duration.ofMillis(30_001));

        for (int i = 0; i < 40 && worker("dead").breaker().getState() != CircuitBreaker.State.HALF_OPEN; i++) {
            Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}");
        }
        for (int i = 0; i < 40 && worker("dead").breaker().getState() == CircuitBreaker.State.HALF_OPEN; i++) {
            Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}");
        }

        assertThat(worker("dead").breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void readinessFailsWhenEveryWorkerOfARequiredPoolIsOpen() {
        for (String id : new String[] {"dead", "ok-1", "ok-2", "ok-3"}) {
            worker(id).breaker().transitionToOpenState();
        }
        var ready = Http.get(engine.port(), "/ready");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().path("reasons").get(0).asText()).contains("main");
    }
}
