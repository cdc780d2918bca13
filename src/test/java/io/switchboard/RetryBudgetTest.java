package io.switchboard;

import io.switchboard.config.RetryBudgetConfig;
import io.switchboard.deliver.RetryBudget;
import io.switchboard.testing.Engines;
import io.switchboard.testing.FakeTicker;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestWorker;
import io.switchboard.testing.TestWorker.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RetryBudgetTest {

    @TempDir
    Path dir;

    @Test
    void budgetAllowsRetriesInProportionToFirstAttempts() {
        var budget = new RetryBudget(new RetryBudgetConfig(0.1, 0), FakeTicker.create());
        for (int i = 0; i < 100; i++) {
            budget.deposit();
        }
        int retries = 0;
        while (budget.tryWithdraw()) {
            retries++;
        }
        assertThat(retries).isEqualTo(10);
    }

    @Test
    void perSecondAllowanceRefillsWithTimeOnly() {
        FakeTicker ticker = FakeTicker.startingAt(Long.MAX_VALUE - 500_000_000L);
        var budget = new RetryBudget(new RetryBudgetConfig(0.0, 5), ticker);
        int first = 0;
        while (budget.tryWithdraw()) {
            first++;
        }
        assertThat(first).isEqualTo(5);
        assertThat(budget.tryWithdraw()).isFalse();

        ticker.advance(Duration.ofMillis(400));
        int refilled = 0;
        while (budget.tryWithdraw()) {
            refilled++;
        }
        assertThat(refilled).isEqualTo(2);
    }

    @Test
    void withEveryWorkerFailingTotalAttemptsStayWithin110PercentOfOfferedLoad() throws Exception {
        try (TestWorker a = TestWorker.start("a").answer(r -> Reply.status(503));
             TestWorker b = TestWorker.start("b").answer(r -> Reply.status(503));
             Switchboard engine = Engines.start(dir, """
                     server: {port: 0}
                     classes: [{name: chat, patterns: ["hello"]}]
                     default_class: chat
                     pools: {main: {workers: [{id: a, url: "{{a}}"}, {id: b, url: "{{b}}"}]}}
                     routes: [{class: chat, pool: main}]
                     delivery: {max_attempts: 5, backoff: {initial_ms: 0, max_ms: 0}, retry_budget: {ratio: 0.1, min_per_second: 0}}
                     circuit_breaker: {failure_rate_threshold: 100, minimum_calls: 100000, window_size: 100000}
                     """, a, b);
             var clients = Executors.newFixedThreadPool(8)) {
            int offered = 600;
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < offered; i++) {
                answers.add(clients.submit(() -> Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}").status()));
            }
            for (Future<Integer> f : answers) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(502);
            }
            int attempts = a.count() + b.count();
            assertThat(attempts).isGreaterThan(offered).isLessThanOrEqualTo((int) (offered * 1.1));
        }
    }
}
