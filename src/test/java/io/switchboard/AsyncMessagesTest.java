package io.switchboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.FakeTicker;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestRig;
import io.switchboard.testing.TestWorker;
import io.switchboard.testing.TestWorker.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code POST /v1/messages} end to end: stored, delivered to real workers, dead-lettered, replayed, de-duplicated. */
class AsyncMessagesTest {

    static final String CONFIG = """
            server: {port: 0, drain_timeout_ms: 500}
            classes: [{name: chat, patterns: ["hello"]}, {name: ops, keywords: [deploy]}]
            default_class: chat
            pools:
              main: {workers: [{id: w1, url: "{{w1}}"}]}
              ops: {workers: [{id: w2, url: "{{w2}}"}]}
            routes: [{class: chat, pool: main}, {class: ops, pool: ops}]
            delivery: {timeout_ms: 2000, max_attempts: 3, backoff: {initial_ms: 1, max_ms: 5}}
            """;

    @RegisterExtension
    final TestRig rig = new TestRig();

    @TempDir
    Path dir;

    private static String submit(Switchboard engine, String body) {
        Http.Answer a = Http.postJson(engine.port(), "/v1/messages", body);
        assertThat(a.status()).as(a.text()).isEqualTo(202);
        return a.json().get("id").asText();
    }

    private static JsonNode status(Switchboard engine, String id) {
        Http.Answer a = Http.get(engine.port(), "/v1/messages/" + id);
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        return a.json();
    }

    private static JsonNode awaitStatus(Switchboard engine, String id, String status) {
        await().atMost(20, TimeUnit.SECONDS).until(() -> status(engine, id).get("status").asText().equals(status));
        return status(engine, id);
    }

    @Test
    void acceptedMessageIsDeliveredAndItsStatusShowsTheWorkersResult() {
        TestWorker w1 = rig.worker("w1");
        TestWorker w2 = rig.worker("w2");
        Switchboard engine = rig.engine(CONFIG, w1, w2);

        Http.Answer a = Http.post(engine.port(), "/v1/messages", "application/json",
                "{\"content\":\"hello there\",\"metadata\":{\"tenant\":\"t1\"}}".getBytes(),
                java.util.Map.of("X-Request-ID", "req-42"));

        assertThat(a.status()).isEqualTo(202);
        assertThat(a.json().get("status").asText()).isEqualTo("queued");
        assertThat(a.json().get("class").asText()).isEqualTo("chat");
        assertThat(a.json().get("pool").asText()).isEqualTo("main");
        String id = a.json().get("id").asText();
        assertThat(a.header("Location")).isEqualTo("/v1/messages/" + id);
        assertThat(a.header("X-Request-ID")).isEqualTo("req-42");

        JsonNode done = awaitStatus(engine, id, "delivered");
        assertThat(done.get("attempts").asInt()).isEqualTo(1);
        assertThat(done.get("worker").asText()).isEqualTo("w1");
        assertThat(done.get("result").get("worker").asText()).isEqualTo("w1");
        assertThat(done.get("result").get("echo").asText()).isEqualTo("hello there");
        assertThat(done.hasNonNull("delivered_at")).isTrue();
        assertThat(done.hasNonNull("accepted_at")).isTrue();

        TestWorker.Received got = w1.received().get(0);
        assertThat(got.body().get("id").asText()).isEqualTo(id);
        assertThat(got.body().get("attempt").asInt()).isEqualTo(1);
        assertThat(got.body().get("metadata").get("tenant").asText()).isEqualTo("t1");
        assertThat(got.header("X-Request-ID")).isEqualTo("req-42");
        assertThat(w2.count()).isZero();
    }

    @Test
    void retryableFailuresEndInTheDeadLetterQueueAfterMaxAttemptsWithEveryError() {
        TestWorker w1 = rig.worker("w1").answer(r -> Reply.status(503));
        Switchboard engine = rig.engine(CONFIG, w1, rig.worker("w2"));

        String id = submit(engine, "{\"content\":\"hello\"}");

        JsonNode dead = awaitStatus(engine, id, "dead_lettered");
        assertThat(dead.get("dead_letter_reason").asText()).isEqualTo("max_attempts");
        assertThat(dead.get("attempts").asInt()).isEqualTo(3);
        assertThat(dead.get("last_error").get("category").asText()).isEqualTo("http_5xx");
        assertThat(w1.received()).extracting(r -> r.body().get("attempt").asInt()).containsExactly(1, 2, 3);

        JsonNode letter = Http.get(engine.port(), "/v1/dead-letters/" + id).json();
        assertThat(letter.get("errors")).hasSize(3);
        assertThat(letter.get("errors").get(0).get("message").asText()).contains("503");
        assertThat(letter.get("envelope").get("content").asText()).isEqualTo("hello");
    }

    @Test
    void aWorkers4xxDeadLettersTheMessageAtOnce() {
        TestWorker w1 = rig.worker("w1").answer(r -> Reply.status(422));
        Switchboard engine = rig.engine(CONFIG, w1, rig.worker("w2"));

        String id = submit(engine, "{\"content\":\"hello\"}");

        JsonNode dead = awaitStatus(engine, id, "dead_lettered");
        assertThat(dead.get("dead_letter_reason").asText()).isEqualTo("fatal_4xx");
        assertThat(dead.get("attempts").asInt()).isEqualTo(1);
        assertThat(w1.count()).isEqualTo(1);
    }

    @Test
    void replayingADeadLetterDeliversItOnceTheWorkerHasHealed() {
        TestWorker w1 = rig.worker("w1").answer(r -> Reply.status(500));
        Switchboard engine = rig.engine(CONFIG, w1, rig.worker("w2"));
        String id = submit(engine, "{\"content\":\"hello\"}");
        awaitStatus(engine, id, "dead_lettered");
        w1.answer(r -> Reply.ok("{\"healed\":true}"));

        Http.Answer replay = Http.post(engine.port(), "/v1/dead-letters/" + id + "/replay");

        assertThat(replay.status()).as(replay.text()).isEqualTo(202);
        assertThat(replay.json().get("replays").asInt()).isEqualTo(1);
        JsonNode done = awaitStatus(engine, id, "delivered");
        assertThat(done.get("result").get("healed").asBoolean()).isTrue();
        assertThat(done.get("replays").asInt()).isEqualTo(1);
        assertThat(Http.post(engine.port(), "/v1/dead-letters/" + id + "/replay").status()).isEqualTo(409);
        assertThat(Http.post(engine.port(), "/v1/dead-letters/no-such-id/replay").status()).isEqualTo(404);
    }

    @Test
    void deadLettersAreListedByFilterAndReplayedOrPurgedInBulk() {
        TestWorker w1 = rig.worker("w1").answer(r -> Reply.status(400));
        TestWorker w2 = rig.worker("w2").answer(r -> Reply.status(503));
        Switchboard engine = rig.engine(CONFIG, w1, w2);
        List<String> chat = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            chat.add(submit(engine, "{\"content\":\"hello " + i + "\"}"));
        }
        String ops = submit(engine, "{\"content\":\"deploy now\"}");
        chat.forEach(id -> awaitStatus(engine, id, "dead_lettered"));
        awaitStatus(engine, ops, "dead_lettered");

        JsonNode all = Http.get(engine.port(), "/v1/dead-letters").json();
        assertThat(all.get("items")).hasSize(4);
        JsonNode page = Http.get(engine.port(), "/v1/dead-letters?limit=2").json();
        assertThat(page.get("items")).hasSize(2);
        JsonNode rest = Http.get(engine.port(), "/v1/dead-letters?limit=2&cursor=" + page.get("next_cursor").asText()).json();
        assertThat(rest.get("items")).hasSize(2);
        assertThat(rest.get("next_cursor").isNull()).isTrue();
        JsonNode fatal = Http.get(engine.port(), "/v1/dead-letters?reason=fatal_4xx").json();
        assertThat(fatal.get("items")).extracting(n -> n.get("id").asText()).containsExactlyInAnyOrderElementsOf(chat);
        JsonNode byPool = Http.get(engine.port(), "/v1/dead-letters?pool=ops&class=ops").json();
        assertThat(byPool.get("items")).extracting(n -> n.get("id").asText()).containsExactly(ops);

        assertThat(Http.get(engine.port(), "/v1/dead-letters?reason=bored").status()).isEqualTo(400);
        assertThat(Http.get(engine.port(), "/v1/dead-letters?limit=0").status()).isEqualTo(400);
        assertThat(Http.get(engine.port(), "/v1/dead-letters?colour=red").status()).isEqualTo(400);
        assertThat(Http.delete(engine.port(), "/v1/dead-letters").status()).isEqualTo(400);

        w2.answer(r -> Reply.ok("{}"));
        Http.Answer replayed = Http.post(engine.port(), "/v1/dead-letters/replay?pool=ops");
        assertThat(replayed.json().get("replayed").asInt()).isEqualTo(1);
        awaitStatus(engine, ops, "delivered");

        assertThat(Http.delete(engine.port(), "/v1/dead-letters/" + chat.get(0)).status()).isEqualTo(200);
        assertThat(Http.get(engine.port(), "/v1/messages/" + chat.get(0)).status()).isEqualTo(404);
        Http.Answer purged = Http.delete(engine.port(), "/v1/dead-letters?reason=fatal_4xx");
        assertThat(purged.json().get("purged").asInt()).isEqualTo(2);
        assertThat(Http.get(engine.port(), "/v1/dead-letters").json().get("items")).isEmpty();
    }

    @Test
    void aResubmissionWithTheSameKeyAnswers200WithTheFirstMessageEvenWhileItIsInFlight() {
        TestWorker w1 = rig.worker("w1").hold();
        Switchboard engine = rig.engine(CONFIG, w1, rig.worker("w2"));
        String id = submit(engine, "{\"content\":\"hello\",\"idempotency_key\":\"order-7\"}");
        await().atMost(10, TimeUnit.SECONDS).until(() -> w1.count() == 1);

        Http.Answer again = Http.postJson(engine.port(), "/v1/messages", "{\"content\":\"hello\",\"idempotency_key\":\"order-7\"}");

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id").asText()).isEqualTo(id);
        assertThat(again.json().get("status").asText()).isEqualTo("in_flight");
        assertThat(again.json().get("duplicate").asBoolean()).isTrue();
        w1.open();
        awaitStatus(engine, id, "delivered");
        Http.Answer after = Http.postJson(engine.port(), "/v1/messages", "{\"content\":\"x\",\"idempotency_key\":\"order-7\"}");
        assertThat(after.json().get("status").asText()).isEqualTo("delivered");
        assertThat(w1.count()).isEqualTo(1);
    }

    @Test
    void concurrentDuplicateSubmissionsMakeOneMessageAndOneDelivery() throws Exception {
        TestWorker w1 = rig.worker("w1");
        Switchboard engine = rig.engine(CONFIG, w1, rig.worker("w2"));
        Set<String> ids = ConcurrentHashMap.newKeySet();
        AtomicInteger created = new AtomicInteger();
        var start = new CountDownLatch(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 32; i++) {
                pool.execute(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    Http.Answer a = Http.postJson(engine.port(), "/v1/messages",
                            "{\"content\":\"hello\",\"idempotency_key\":\"same\"}");
                    ids.add(a.json().get("id").asText());
                    if (a.status() == 202) {
                        created.incrementAndGet();
                    }
                });
            }
            start.countDown();
        }
        assertThat(created.get()).isEqualTo(1);
        assertThat(ids).hasSize(1);
        awaitStatus(engine, ids.iterator().next(), "delivered");
        assertThat(w1.count()).isEqualTo(1);
    }

    @Test
    void aDuplicateOfADeadLetteredMessageIsNotSubmittedAgain() {
        TestWorker w1 = rig.worker("w1").answer(r -> Reply.status(404));
        Switchboard engine = rig.engine(CONFIG, w1, rig.worker("w2"));
        String id = submit(engine, "{\"content\":\"hello\",\"idempotency_key\":\"k\"}");
        awaitStatus(engine, id, "dead_lettered");

        Http.Answer again = Http.postJson(engine.port(), "/v1/messages", "{\"content\":\"hello\",\"idempotency_key\":\"k\"}");

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id").asText()).isEqualTo(id);
        assertThat(again.json().get("status").asText()).isEqualTo("dead_lettered");
        assertThat(again.json().get("hint").asText()).contains("/v1/dead-letters/" + id + "/replay");
        assertThat(w1.count()).isEqualTo(1);
    }

    @Test
    void aMessageThatExpiresWhileQueuedIsNeverDeliveredAndLandsInTheDeadLetterQueue() {
        TestWorker w1 = rig.worker("w1").hold();
        Switchboard engine = rig.engine(CONFIG + "store: {delivery_concurrency: 1}\n", w1, rig.worker("w2"));
        String first = submit(engine, "{\"content\":\"hello first\"}");
        await().atMost(10, TimeUnit.SECONDS).until(() -> w1.count() == 1);

        String doomed = submit(engine, "{\"content\":\"hello doomed\",\"ttl_ms\":300}");

        JsonNode expired = awaitStatus(engine, doomed, "expired");
        assertThat(expired.get("dead_letter_reason").asText()).isEqualTo("expired");
        assertThat(expired.get("attempts").asInt()).isZero();
        w1.open();
        awaitStatus(engine, first, "delivered");
        assertThat(w1.received()).as("first %s doomed %s received %s", first, doomed, w1.received())
                .extracting(r -> r.body().get("id").asText()).containsExactly(first);
        assertThat(Http.get(engine.port(), "/v1/dead-letters?reason=expired").json().get("items"))
                .extracting(n -> n.get("id").asText()).containsExactly(doomed);
    }

    @Test
    void aFullStoreAnswers503WithRetryAfterAndStoresNothing() {
        TestWorker w1 = rig.worker("w1").hold();
        Switchboard engine = rig.engine(CONFIG + "store: {max_messages: 1}\n", w1, rig.worker("w2"));
        String first = submit(engine, "{\"content\":\"hello\"}");

        Http.Answer full = Http.postJson(engine.port(), "/v1/messages", "{\"content\":\"hello again\"}");

        assertThat(full.status()).isEqualTo(503);
        assertThat(full.contentType()).startsWith("application/problem+json");
        assertThat(full.json().get("type").asText()).isEqualTo("urn:switchboard:problem:store-unavailable");
        assertThat(full.header("Retry-After")).isNotBlank();
        assertThat(Http.get(engine.port(), "/metrics").text())
                .contains("switchboard_rejections_total{reason=\"store\"} 1.0")
                .contains("switchboard_async_submissions_total{outcome=\"refused\"} 1.0");
        w1.open();
        awaitStatus(engine, first, "delivered");
        assertThat(Http.postJson(engine.port(), "/v1/messages", "{\"content\":\"hello later\"}").status()).isEqualTo(202);
    }

    @Test
    void completionEventsReachAWebhookAtLeastOnceEvenWhenItFailsAtFirst() {
        AtomicInteger calls = new AtomicInteger();
        TestWorker hook = rig.worker("hook").answer(r -> calls.incrementAndGet() == 1 ? Reply.status(503) : Reply.ok("{}"));
        TestWorker w1 = rig.worker("w1");
        TestWorker w2 = rig.worker("w2").answer(r -> Reply.status(400));
        Switchboard engine = rig.engine(CONFIG + "events: [{type: webhook, url: \"{{hook}}\"}, {type: log}]\n",
                w1, w2, hook);

        String delivered = submit(engine, "{\"content\":\"hello\"}");
        String dead = submit(engine, "{\"content\":\"deploy it\"}");

        awaitStatus(engine, delivered, "delivered");
        awaitStatus(engine, dead, "dead_lettered");
        await().atMost(20, TimeUnit.SECONDS).until(() -> engine.async().store().pendingEvents().values().stream()
                .allMatch(n -> n == 0));
        assertThat(hook.received()).extracting(r -> r.body().get("id").asText()).contains(delivered, dead);
        JsonNode ok = hook.received().stream().map(TestWorker.Received::body)
                .filter(b -> b.get("id").asText().equals(delivered)).reduce((a, b) -> b).orElseThrow();
        assertThat(ok.get("event").asText()).isEqualTo("message_delivered");
        assertThat(ok.get("class").asText()).isEqualTo("chat");
        assertThat(ok.get("pool").asText()).isEqualTo("main");
        assertThat(ok.get("worker").asText()).isEqualTo("w1");
        assertThat(ok.get("attempts").asInt()).isEqualTo(1);
        assertThat(ok.get("duration_ms").isIntegralNumber()).isTrue();
        assertThat(ok.get("timestamp").asText()).endsWith("Z");
        JsonNode failed = hook.received().stream().map(TestWorker.Received::body)
                .filter(b -> b.get("id").asText().equals(dead)).findFirst().orElseThrow();
        assertThat(failed.get("event").asText()).isEqualTo("message_dead_lettered");
        assertThat(failed.get("reason").asText()).isEqualTo("fatal_4xx");
        assertThat(calls.get()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void deliveredMessagesArePrunedOnceTheirRetentionHasPassed() {
        FakeTicker clock = FakeTicker.create();
        TestWorker w1 = rig.worker("w1");
        Switchboard engine = rig.engine(clock, CONFIG + "store: {retention_ms: 3600000}\n", w1, rig.worker("w2"));
        String id = submit(engine, "{\"content\":\"hello\"}");
        awaitStatus(engine, id, "delivered");

        clock.advanceMillis(3_599_000);
        assertThat(engine.async().prune()).isZero();
        assertThat(Http.get(engine.port(), "/v1/messages/" + id).status()).isEqualTo(200);
        clock.advanceMillis(2_000);
        assertThat(engine.async().prune()).isEqualTo(1);

        Http.Answer gone = Http.get(engine.port(), "/v1/messages/" + id);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().get("detail").asText()).contains("retention");
    }

    @Test
    void aMessageInFlightAtShutdownIsDeliveredAfterARestartWithItsAttemptCountKept() {
        TestWorker w1 = rig.worker("w1").hold();
        String yaml = CONFIG.replace("timeout_ms: 2000", "timeout_ms: 500")
                + "store: {path: \"" + dir.resolve("data") + "\"}\n";
        Switchboard first = rig.engine(yaml, w1, rig.worker("w2"));
        String id = submit(first, "{\"content\":\"hello\"}");
        await().atMost(10, TimeUnit.SECONDS).until(() -> w1.count() == 1);

        first.close();
        int before = w1.count();
        w1.open();
        Switchboard second = rig.engine(yaml, w1, rig.worker("w2"));

        JsonNode done = awaitStatus(second, id, "delivered");
        // Attempts that timed out while the first engine drained count too; the restart goes on from there.
        assertThat(done.get("attempts").asInt()).isEqualTo(before + 1);
        assertThat(w1.received()).extracting(r -> r.body().get("id").asText()).containsOnly(id);
        assertThat(w1.received()).extracting(r -> r.body().get("attempt").asInt())
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, before + 1).boxed().toList());
    }

    @Test
    void unknownIdsAnswer404AndWrongMethods405() {
        Switchboard engine = rig.engine(CONFIG, rig.worker("w1"), rig.worker("w2"));

        Http.Answer unknown = Http.get(engine.port(), "/v1/messages/nope");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
        assertThat(Http.get(engine.port(), "/v1/dead-letters/nope").status()).isEqualTo(404);
        assertThat(Http.delete(engine.port(), "/v1/dead-letters/nope").status()).isEqualTo(404);
        assertThat(Http.get(engine.port(), "/v1/messages").status()).isEqualTo(405);
        assertThat(Http.delete(engine.port(), "/v1/messages/nope").status()).isEqualTo(405);
        assertThat(Http.get(engine.port(), "/v1/messages/nope?x=1").status()).isEqualTo(400);
        Http.Answer bad = Http.postJson(engine.port(), "/v1/messages", "{\"content\": 5}");
        assertThat(bad.status()).isEqualTo(422);
    }
}
