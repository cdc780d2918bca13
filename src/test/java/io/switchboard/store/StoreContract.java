package io.switchboard.store;

import io.switchboard.message.Envelope;
import io.switchboard.message.Ids;
import io.switchboard.message.Priority;
import io.switchboard.testing.FakeTicker;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** What every store does, whatever keeps the messages: run against each one on real storage, with a fake clock. */
public abstract class StoreContract {

    protected final FakeTicker clock = FakeTicker.create();

    /** Renders a settled message as a small event naming its id and status. */
    protected static final BiFunction<String, StoredMessage, byte[]> EVENTS = (sink, m) -> ("{\"id\":\"" + m.id()
            + "\",\"status\":\"" + m.status().label() + "\"}").getBytes(StandardCharsets.UTF_8);

    /** A new, empty store of the kind under test, closed after the test. */
    protected abstract Store open(long maxMessages, long retentionMs, long windowMs, List<String> sinks) throws Exception;

    protected Store open() throws Exception {
        return open(1_000_000, 60_000, 60_000, List.of());
    }

    protected NewMessage message(String text, Priority priority, long ttlMs, String key) {
        Envelope e = new Envelope(com.fasterxml.jackson.databind.node.TextNode.valueOf(text), Map.of("tenant", "t1"),
                null, null, ttlMs, key);
        long now = clock.currentTimeMillis();
        return new NewMessage(Ids.newId(now), "req-" + text, e, "chat", priority, "main", ttlMs, now);
    }

    protected static StoredMessage accepted(Submission s) {
        assertThat(s).isInstanceOf(Submission.Accepted.class);
        return ((Submission.Accepted) s).message();
    }

    @Test
    void claimTakesTheMostUrgentFirstAndMarksThemInFlight() throws Exception {
        Store store = open();
        StoredMessage low = accepted(store.submit(message("low", Priority.LOW, 60_000, null)));
        StoredMessage critical = accepted(store.submit(message("critical", Priority.CRITICAL, 60_000, null)));
        StoredMessage normal = accepted(store.submit(message("normal", Priority.NORMAL, 60_000, null)));

        List<StoredMessage> first = store.claim("main", 2);

        assertThat(first).extracting(StoredMessage::id).containsExactly(critical.id(), normal.id());
        assertThat(store.find(critical.id()).orElseThrow().status()).isEqualTo(MessageStatus.IN_FLIGHT);
        assertThat(store.claim("main", 10)).extracting(StoredMessage::id).containsExactly(low.id());
        assertThat(store.claim("main", 10)).isEmpty();
        assertThat(store.claim("other", 10)).isEmpty();
        assertThat(store.counts()).containsEntry(MessageStatus.IN_FLIGHT, 3L).containsEntry(MessageStatus.QUEUED, 0L);
    }

    @Test
    void recoveryMovesMessagesOfAPoolThatNoLongerExistsToTheirClassesRoute() throws Exception {
        Store store = open();
        StoredMessage m = accepted(store.submit(message("hello", Priority.NORMAL, 60_000, null)));

        store.recover(c -> "elsewhere", java.util.Set.of("elsewhere"));

        assertThat(store.claim("main", 1)).isEmpty();
        assertThat(store.claim("elsewhere", 1)).extracting(StoredMessage::id).containsExactly(m.id());
    }

    @Test
    void idempotencyKeyNamesTheFirstMessageWithinTheWindowOnly() throws Exception {
        Store store = open(1_000_000, 60_000, 10_000, List.of());
        StoredMessage first = accepted(store.submit(message("a", Priority.NORMAL, 60_000, "order-1")));

        Submission again = store.submit(message("b", Priority.NORMAL, 60_000, "order-1"));
        assertThat(again).isInstanceOf(Submission.Duplicate.class);
        assertThat(((Submission.Duplicate) again).existing().id()).isEqualTo(first.id());

        clock.advanceMillis(10_001);
        StoredMessage later = accepted(store.submit(message("c", Priority.NORMAL, 60_000, "order-1")));
        assertThat(later.id()).isNotEqualTo(first.id());
        assertThat(store.counts()).containsEntry(MessageStatus.QUEUED, 2L);
    }

    @Test
    void concurrentSubmissionsWithOneKeyStoreExactlyOneMessage() throws Exception {
        Store store = open();
        int producers = 64;
        var answers = new ConcurrentLinkedQueue<Submission>();
        var start = new CountDownLatch(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < producers; i++) {
                int n = i;
                pool.execute(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    answers.add(store.submit(message("dup-" + n, Priority.NORMAL, 60_000, "same-key")));
                });
            }
            start.countDown();
        }
        List<Submission> all = List.copyOf(answers);
        assertThat(all).hasSize(producers);
        List<String> acceptedIds = all.stream().filter(Submission.Accepted.class::isInstance)
                .map(s -> ((Submission.Accepted) s).message().id()).toList();
        assertThat(acceptedIds).hasSize(1);
        assertThat(all.stream().filter(Submission.Duplicate.class::isInstance)
                .map(s -> ((Submission.Duplicate) s).existing().id()).distinct().toList()).containsExactly(acceptedIds.get(0));
        assertThat(store.counts()).containsEntry(MessageStatus.QUEUED, 1L);
    }

    @Test
    void aFullStoreRefusesNewMessagesWithRetryAfter() throws Exception {
        Store store = open(2, 60_000, 60_000, List.of());
        accepted(store.submit(message("1", Priority.NORMAL, 60_000, null)));
        accepted(store.submit(message("2", Priority.NORMAL, 60_000, null)));

        Submission third = store.submit(message("3", Priority.NORMAL, 60_000, null));

        assertThat(third).isInstanceOf(Submission.Refused.class);
        assertThat(((Submission.Refused) third).reason()).contains("max_messages");
        assertThat(((Submission.Refused) third).retryAfterSeconds()).isPositive();
        StoredMessage m = store.claim("main", 1).get(0);
        store.settle(m, new Settlement.Delivered("main", "w", 1, "{}".getBytes(), List.of()));
        accepted(store.submit(message("4", Priority.NORMAL, 60_000, null)));
    }

    @Test
    void expiredMessageIsNeverClaimedAndLandsInTheDeadLetterQueueWithAnEvent() throws Exception {
        Store store = open(1_000_000, 60_000, 60_000, List.of("log"));
        StoredMessage shortLived = accepted(store.submit(message("short", Priority.CRITICAL, 1_000, null)));
        StoredMessage longLived = accepted(store.submit(message("long", Priority.LOW, 60_000, null)));
        clock.advanceMillis(1_000);

        assertThat(store.claim("main", 10)).extracting(StoredMessage::id).containsExactly(longLived.id());
        assertThat(store.expireDue()).isEqualTo(1);

        StoredMessage expired = store.find(shortLived.id()).orElseThrow();
        assertThat(expired.status()).isEqualTo(MessageStatus.EXPIRED);
        assertThat(expired.deadReason()).isEqualTo(DeadLetterReason.EXPIRED);
        assertThat(store.deadLetters(DeadLetterFilter.ALL, null, 10).items()).extracting(StoredMessage::id)
                .containsExactly(shortLived.id());
        List<EventOutbox.PendingEvent> events = store.dueEvents("log", 10);
        assertThat(events).hasSize(1);
        assertThat(new String(events.get(0).payload())).contains(shortLived.id(), "expired");
    }

    @Test
    void settlingWritesTheOutcomeAndOneEventPerSinkTogether() throws Exception {
        Store store = open(1_000_000, 60_000, 60_000, List.of("log", "hook"));
        accepted(store.submit(message("hello", Priority.NORMAL, 60_000, null)));
        StoredMessage m = store.claim("main", 1).get(0);
        var error = new AttemptError(1, "main", "w1", "http_5xx", "worker answered 503", clock.currentTimeMillis());

        store.settle(m, new Settlement.Delivered("main", "w2", 2, "{\"answer\":42}".getBytes(), List.of(error)));

        StoredMessage done = store.find(m.id()).orElseThrow();
        assertThat(done.status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(done.worker()).isEqualTo("w2");
        assertThat(new String(done.result())).isEqualTo("{\"answer\":42}");
        assertThat(done.errors()).containsExactly(error);
        assertThat(store.pendingEvents()).containsEntry("log", 1L).containsEntry("hook", 1L);

        List<EventOutbox.PendingEvent> hook = store.dueEvents("hook", 10);
        store.eventFailed(hook.get(0).seq(), clock.currentTimeMillis() + 5_000, "503");
        assertThat(store.dueEvents("hook", 10)).isEmpty();
        clock.advanceMillis(5_000);
        assertThat(store.dueEvents("hook", 10)).singleElement().extracting(EventOutbox.PendingEvent::attempts).isEqualTo(1);
        store.removeEvents(List.of(hook.get(0).seq()));
        assertThat(store.dueEvents("hook", 10)).isEmpty();
        assertThat(store.pendingEvents()).containsEntry("hook", 0L).containsEntry("log", 1L);
    }

    @Test
    void aSecondSettlementOfTheSameRoundChangesNothing() throws Exception {
        Store store = open(1_000_000, 60_000, 60_000, List.of("log"));
        accepted(store.submit(message("hello", Priority.NORMAL, 60_000, null)));
        StoredMessage m = store.claim("main", 1).get(0);
        store.settle(m, new Settlement.Delivered("main", "w", 1, "{}".getBytes(), List.of()));

        store.settle(m, new Settlement.DeadLettered(DeadLetterReason.MAX_ATTEMPTS, "main", "w", 3, List.of()));

        assertThat(store.find(m.id()).orElseThrow().status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(store.pendingEvents()).containsEntry("log", 1L);
    }

    @Test
    void retentionPrunesDeliveredMessagesOnlyOnceTheyAreOldEnough() throws Exception {
        Store store = open(1_000_000, 3_600_000, 60_000, List.of());
        accepted(store.submit(message("delivered", Priority.NORMAL, 60_000, null)));
        accepted(store.submit(message("dead", Priority.NORMAL, 60_000, null)));
        List<StoredMessage> claimed = store.claim("main", 2);
        store.settle(claimed.get(0), new Settlement.Delivered("main", "w", 1, "{}".getBytes(), List.of()));
        store.settle(claimed.get(1), new Settlement.DeadLettered(DeadLetterReason.FATAL_4XX, "main", "w", 1, List.of()));

        clock.advanceMillis(3_599_999);
        assertThat(store.prune()).isZero();
        clock.advanceMillis(2);
        assertThat(store.prune()).isEqualTo(1);

        assertThat(store.find(claimed.get(0).id())).isEmpty();
        assertThat(store.find(claimed.get(1).id())).isPresent();
        assertThat(store.counts()).containsEntry(MessageStatus.DELIVERED, 0L).containsEntry(MessageStatus.DEAD_LETTERED, 1L);
    }

    @Test
    void replayQueuesADeadLetterAgainWithItsAttemptsResetAndAFreshDeadline() throws Exception {
        Store store = open();
        accepted(store.submit(message("hello", Priority.NORMAL, 10_000, null)));
        StoredMessage m = store.claim("main", 1).get(0);
        store.settle(m, new Settlement.DeadLettered(DeadLetterReason.MAX_ATTEMPTS, "main", "w", 3, List.of()));
        clock.advanceMillis(60_000);

        StoredMessage replayed = store.replay(m.id()).orElseThrow();

        assertThat(replayed.status()).isEqualTo(MessageStatus.QUEUED);
        assertThat(replayed.attempts()).isZero();
        assertThat(replayed.replays()).isEqualTo(1);
        assertThat(replayed.deadlineAt()).isEqualTo(clock.currentTimeMillis() + 10_000);
        assertThat(store.replay(m.id())).isEmpty();
        assertThat(store.claim("main", 1)).extracting(StoredMessage::id).containsExactly(m.id());
        assertThat(store.counts()).containsEntry(MessageStatus.DEAD_LETTERED, 0L);
    }

    @Test
    void deadLettersArePagedNewestFirstAndFilteredByReasonClassAndPool() throws Exception {
        Store store = open();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            accepted(store.submit(message("m" + i, Priority.NORMAL, 60_000, null)));
        }
        for (StoredMessage m : store.claim("main", 5)) {
            DeadLetterReason r = ids.size() % 2 == 0 ? DeadLetterReason.MAX_ATTEMPTS : DeadLetterReason.FATAL_4XX;
            store.settle(m, new Settlement.DeadLettered(r, "main", "w", 1, List.of()));
            ids.add(m.id());
        }

        DeadLetterPage first = store.deadLetters(DeadLetterFilter.ALL, null, 2);
        DeadLetterPage second = store.deadLetters(DeadLetterFilter.ALL, first.nextCursor(), 2);
        DeadLetterPage last = store.deadLetters(DeadLetterFilter.ALL, second.nextCursor(), 2);

        assertThat(first.items()).extracting(StoredMessage::id).containsExactly(ids.get(4), ids.get(3));
        assertThat(second.items()).extracting(StoredMessage::id).containsExactly(ids.get(2), ids.get(1));
        assertThat(last.items()).extracting(StoredMessage::id).containsExactly(ids.get(0));
        assertThat(last.nextCursor()).isNull();
        assertThat(store.deadLetters(new DeadLetterFilter(null, null, DeadLetterReason.FATAL_4XX), null, 10).items())
                .extracting(StoredMessage::id).containsExactlyInAnyOrder(ids.get(1), ids.get(3));
        assertThat(store.deadLetters(new DeadLetterFilter("other", null, null), null, 10).items()).isEmpty();
        assertThat(store.deadLetters(new DeadLetterFilter("chat", "main", null), null, 10).items()).hasSize(5);

        assertThat(store.replayAll(new DeadLetterFilter(null, null, DeadLetterReason.MAX_ATTEMPTS), 100)).isEqualTo(3);
        assertThat(store.purge(ids.get(1))).isTrue();
        assertThat(store.purge(ids.get(1))).isFalse();
        assertThat(store.purgeAll(DeadLetterFilter.ALL, 100)).isEqualTo(1);
        assertThat(store.counts()).containsEntry(MessageStatus.QUEUED, 3L).containsEntry(MessageStatus.DEAD_LETTERED, 0L);
    }

}
