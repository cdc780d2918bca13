package io.switchboard.store.redis;

import io.lettuce.core.api.sync.RedisCommands;
import io.switchboard.message.Ids;
import io.switchboard.message.Priority;
import io.switchboard.store.MessageStatus;
import io.switchboard.store.Settlement;
import io.switchboard.store.Store;
import io.switchboard.store.StoreContract;
import io.switchboard.store.StoredMessage;
import io.switchboard.store.Submission;
import io.switchboard.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Redis store on a real Redis, each test under a key prefix of its own, with a fake clock. */
class RedisStoreTest extends StoreContract {

    private static RedisServer redis;

    private final String prefix = "sbtest:" + Ids.newTraceId(System.currentTimeMillis()) + ":";
    private final List<RedisStore> opened = new ArrayList<>();
    private final AtomicInteger reconnects = new AtomicInteger();

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.local();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(RedisStore::close);
        redis.deleteKeys(prefix);
    }

    @Override
    protected Store open(long maxMessages, long retentionMs, long windowMs, List<String> sinks) {
        return open(redis.uri(), "engine-a", maxMessages, retentionMs, windowMs, sinks);
    }

    private RedisStore open(URI uri, String engine, long maxMessages, long retentionMs, long windowMs,
                            List<String> sinks) {
        RedisStore store = RedisStore.open(new RedisStore.Settings(uri, prefix, engine, maxMessages,
                Duration.ofSeconds(2), retentionMs, windowMs, 10_000), clock, sinks, EVENTS, nanos -> { },
                reconnects::incrementAndGet);
        opened.add(store);
        return store;
    }

    private RedisStore engine(String name) {
        return open(redis.uri(), name, 1_000_000, 60_000, 60_000, List.of("log"));
    }

    @Test
    void twoEnginesNeverClaimTheSameMessage() throws Exception {
        RedisStore a = engine("a");
        RedisStore b = engine("b");
        for (int i = 0; i < 200; i++) {
            accepted((i % 2 == 0 ? a : b).submit(message("m" + i, Priority.NORMAL, 60_000, null)));
        }

        List<String> claimed = new ArrayList<>();
        List<StoredMessage> batch;
        do {
            batch = a.claim("main", 7);
            batch.forEach(m -> claimed.add(m.id()));
            List<StoredMessage> other = b.claim("main", 5);
            other.forEach(m -> claimed.add(m.id()));
            batch = batch.isEmpty() ? other : batch;
        } while (!batch.isEmpty());

        assertThat(claimed).hasSize(200).doesNotHaveDuplicates();
        assertThat(a.counts()).containsEntry(MessageStatus.IN_FLIGHT, 200L).containsEntry(MessageStatus.QUEUED, 0L);
    }

    @Test
    void anEngineThatStopsBeatingHasItsInFlightMessagesQueuedAgainByAnother() throws Exception {
        RedisStore b = engine("b");
        StoredMessage m = accepted(b.submit(message("hello", Priority.NORMAL, 60_000, null)));
        // An engine "ghost" took it and made an attempt, then died: its heartbeat is old, its claim still stands.
        RedisCommands<String, String> r = redis.commands();
        r.zrem(prefix + "q:main", m.id());
        r.zrem(prefix + "deadlines", m.id());
        r.hset(prefix + "m:" + m.id(), java.util.Map.of("status", "in_flight", "owner", "ghost", "attempts", "1",
                "worker", "w1"));
        r.sadd(prefix + "f:ghost", m.id());
        r.hincrby(prefix + "counts", "queued", -1);
        r.hincrby(prefix + "counts", "in_flight", 1);
        r.zadd(prefix + "engines", clock.currentTimeMillis(), "ghost");
        assertThat(b.claim("main", 1)).isEmpty();

        clock.advanceMillis(10_001);

        await().atMost(10, TimeUnit.SECONDS).until(() -> !b.claim("main", 1).isEmpty() || r.zscore(prefix + "engines",
                "ghost") == null && b.find(m.id()).orElseThrow().status() == MessageStatus.IN_FLIGHT);
        StoredMessage back = b.find(m.id()).orElseThrow();
        assertThat(back.status()).isEqualTo(MessageStatus.IN_FLIGHT);
        assertThat(back.attempts()).isEqualTo(1);
        assertThat(back.worker()).isEqualTo("w1");
        assertThat(r.zscore(prefix + "engines", "ghost")).isNull();
        assertThat(r.exists(prefix + "f:ghost")).isZero();
    }

    @Test
    void anEngineRestartedUnderItsOwnIdTakesUpWhatItHadInFlightAtOnce() throws Exception {
        RedisStore first = engine("stable");
        StoredMessage m = accepted(first.submit(message("hello", Priority.NORMAL, 60_000, null)));
        first.claim("main", 1);
        first.attemptStarted(m.id(), 1, "w1");
        // Crashed: nothing handed back. (A clean close would queue it again itself.)
        RedisCommands<String, String> r = redis.commands();
        assertThat(r.smembers(prefix + "f:stable")).containsExactly(m.id());

        RedisStore again = open(redis.uri(), "stable", 1_000_000, 60_000, 60_000, List.of());
        assertThat(again.recover(c -> "main", Set.of("main"))).isEqualTo(1);

        StoredMessage back = again.claim("main", 1).get(0);
        assertThat(back.id()).isEqualTo(m.id());
        assertThat(back.attempts()).isEqualTo(1);
        opened.remove(first);
    }

    @Test
    void aSettlementFromAnEngineThatLostTheMessageIsNotRecorded() throws Exception {
        RedisStore a = engine("a");
        RedisStore b = engine("b");
        StoredMessage m = accepted(a.submit(message("hello", Priority.NORMAL, 60_000, null)));
        StoredMessage claimedByA = a.claim("main", 1).get(0);
        // A was taken for dead (as reap.lua does): its message went back to the queue, and B took it.
        RedisCommands<String, String> r = redis.commands();
        r.hset(prefix + "m:" + m.id(), "status", "queued");
        r.hdel(prefix + "m:" + m.id(), "owner");
        r.srem(prefix + "f:a", m.id());
        r.zadd(prefix + "q:main", 1, m.id());
        r.hincrby(prefix + "counts", "in_flight", -1);
        r.hincrby(prefix + "counts", "queued", 1);
        assertThat(b.claim("main", 1)).extracting(StoredMessage::id).containsExactly(m.id());

        assertThat(a.attemptStarted(m.id(), 1, "w1")).isFalse();
        a.settle(claimedByA, new Settlement.DeadLettered(io.switchboard.store.DeadLetterReason.FATAL_4XX, "main", "w1",
                1, List.of()));

        assertThat(b.find(m.id()).orElseThrow().status()).isEqualTo(MessageStatus.IN_FLIGHT);
        b.settle(b.find(m.id()).orElseThrow(), new Settlement.Delivered("main", "w2", 2, "{}".getBytes(), List.of()));
        assertThat(b.find(m.id()).orElseThrow().status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(b.counts()).containsEntry(MessageStatus.IN_FLIGHT, 0L).containsEntry(MessageStatus.DELIVERED, 1L)
                .containsEntry(MessageStatus.DEAD_LETTERED, 0L);
    }

    @Test
    void whileRedisIsDownSubmissionsAreRefusedAndTheStoreRecoversByItself() throws Exception {
        int port = RedisServer.freePort();
        RedisServer own = RedisServer.start(port);
        RedisStore store = open(own.uri(), "a", 1_000_000, 60_000, 60_000, List.of());
        StoredMessage kept = accepted(store.submit(message("before", Priority.NORMAL, 60_000, null)));
        assertThat(store.healthy()).isTrue();

        own.close();
        await().atMost(10, TimeUnit.SECONDS).until(() -> !store.healthy());
        Submission refused = store.submit(message("during", Priority.NORMAL, 60_000, null));
        assertThat(refused).isInstanceOf(Submission.Refused.class);
        assertThat(((Submission.Refused) refused).reason()).contains("redis");
        assertThat(((Submission.Refused) refused).retryAfterSeconds()).isPositive();

        try (RedisServer restarted = RedisServer.start(port)) {
            await().atMost(15, TimeUnit.SECONDS).until(store::healthy);
            // This Redis kept nothing (tests run it without persistence): the point is that the store reconnects
            // by itself and takes submissions again.
            accepted(store.submit(message("after", Priority.NORMAL, 60_000, null)));
            assertThat(reconnects.get()).isPositive();
            assertThat(store.find(kept.id())).isEmpty();
        }
    }
}
