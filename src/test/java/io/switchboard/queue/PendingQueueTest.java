package io.switchboard.queue;

import io.switchboard.config.QueueConfig;
import io.switchboard.message.Priority;
import io.switchboard.testing.FakeTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

import static io.switchboard.message.Priority.CRITICAL;
import static io.switchboard.message.Priority.HIGH;
import static io.switchboard.message.Priority.LOW;
import static io.switchboard.message.Priority.NORMAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PendingQueueTest {

    private static final long AGING = Duration.ofSeconds(2).toNanos();
    private static final long HOUR = Duration.ofHours(1).toNanos();

    private final FakeTicker ticker = FakeTicker.create();
    private final List<String> expired = new ArrayList<>();

    private PendingQueue<String> queue(int capacity) {
        return new PendingQueue<>(capacity, AGING, ticker);
    }

    private Offer<String> offer(PendingQueue<String> q, String element, Priority priority) {
        return q.offer(element, priority, ticker.nanoTime() + HOUR, expired::add);
    }

    private Offer<String> offer(PendingQueue<String> q, String element, Priority priority, long ttlNanos) {
        return q.offer(element, priority, ticker.nanoTime() + ttlNanos, expired::add);
    }

    private List<String> pollAll(PendingQueue<String> q) {
        List<String> out = new ArrayList<>();
        String e;
        while ((e = q.poll(expired::add)) != null) {
            out.add(e);
        }
        return out;
    }

    @Test
    void servesMoreUrgentLevelsFirst() {
        PendingQueue<String> q = queue(10);
        offer(q, "low", LOW);
        offer(q, "normal", NORMAL);
        offer(q, "critical", CRITICAL);
        offer(q, "high", HIGH);

        assertThat(pollAll(q)).containsExactly("critical", "high", "normal", "low");
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void keepsFifoOrderWithinALevel() {
        PendingQueue<String> q = queue(10);
        for (int i = 0; i < 5; i++) {
            offer(q, "n" + i, NORMAL);
            ticker.advanceNanos(1);
        }

        assertThat(pollAll(q)).containsExactly("n0", "n1", "n2", "n3", "n4");
    }

    @Test
    void agingPromotesALongWaitingLowOverAFreshHigh() {
        PendingQueue<String> q = queue(10);
        offer(q, "old-low", LOW);
        // LOW is two levels below HIGH: after waiting two aging periods it draws level, one nanosecond more wins.
        ticker.advanceNanos(2 * AGING + 1);
        offer(q, "fresh-high", HIGH);

        assertThat(pollAll(q)).containsExactly("old-low", "fresh-high");
    }

    @Test
    void agingIsNotEnoughBeforeTheLevelGapHasBeenWaitedOut() {
        PendingQueue<String> q = queue(10);
        offer(q, "old-low", LOW);
        ticker.advanceNanos(2 * AGING - 1);
        offer(q, "fresh-high", HIGH);

        assertThat(pollAll(q)).containsExactly("fresh-high", "old-low");
    }

    @Test
    void agingTieGoesToTheMoreUrgentLevel() {
        PendingQueue<String> q = queue(10);
        offer(q, "old-normal", NORMAL);
        ticker.advanceNanos(AGING);
        offer(q, "fresh-high", HIGH);

        assertThat(q.peek(expired::add)).isEqualTo("fresh-high");
        assertThat(pollAll(q)).containsExactly("fresh-high", "old-normal");
    }

    @Test
    void fullQueueShedsTheNewestEntryOfTheLeastUrgentLevelFirst() {
        PendingQueue<String> q = queue(4);
        offer(q, "low-1", LOW);
        offer(q, "low-2", LOW);
        offer(q, "normal-1", NORMAL);
        offer(q, "high-1", HIGH);

        assertThat(offer(q, "critical-1", CRITICAL)).isInstanceOfSatisfying(Offer.AdmittedEvicting.class,
                o -> assertThat(o.evicted()).isEqualTo("low-2"));
        assertThat(offer(q, "high-2", HIGH)).isInstanceOfSatisfying(Offer.AdmittedEvicting.class,
                o -> assertThat(o.evicted()).isEqualTo("low-1"));
        assertThat(offer(q, "high-3", HIGH)).isInstanceOfSatisfying(Offer.AdmittedEvicting.class,
                o -> assertThat(o.evicted()).isEqualTo("normal-1"));

        assertThat(q.size()).isEqualTo(4);
        assertThat(q.size(LOW) + q.size(NORMAL)).isZero();
        assertThat(expired).isEmpty();
    }

    @Test
    void fullQueueRejectsAnOfferWhenOnlyEqualOrMoreUrgentEntriesRemain() {
        PendingQueue<String> q = queue(2);
        offer(q, "critical-1", CRITICAL);
        offer(q, "high-1", HIGH);

        Offer<String> rejected = offer(q, "high-2", HIGH);
        assertThat(rejected).isInstanceOf(Offer.Rejected.class);
        assertThat(rejected.handleOrNull()).isNull();
        assertThat(offer(q, "low-1", LOW)).isInstanceOf(Offer.Rejected.class);

        assertThat(offer(q, "critical-2", CRITICAL)).isInstanceOfSatisfying(Offer.AdmittedEvicting.class,
                o -> assertThat(o.evicted()).isEqualTo("high-1"));
        assertThat(pollAll(q)).containsExactly("critical-1", "critical-2");
    }

    @Test
    void fullQueueReclaimsExpiredEntriesBeforeSheddingLiveOnes() {
        PendingQueue<String> q = queue(2);
        offer(q, "low-live", LOW);
        offer(q, "normal-short", NORMAL, 10);
        ticker.advanceNanos(10);

        Offer<String> o = offer(q, "high", HIGH);

        assertThat(o).isInstanceOf(Offer.Admitted.class);
        assertThat(expired).containsExactly("normal-short");
        assertThat(pollAll(q)).containsExactly("high", "low-live");
    }

    @Test
    void expiredMessageIsNeverDeliveredEvenBehindTheHead() {
        PendingQueue<String> q = queue(10);
        offer(q, "head", NORMAL);
        offer(q, "short-lived", NORMAL, 100);
        offer(q, "tail", NORMAL);
        offer(q, "short-low", LOW, 100);
        ticker.advanceNanos(100);

        assertThat(q.poll(expired::add)).isEqualTo("head");
        assertThat(expired).containsExactlyInAnyOrder("short-lived", "short-low");
        assertThat(pollAll(q)).containsExactly("tail");
        assertThat(q.size()).isZero();
    }

    @Test
    void expiredHeadIsSunkAndPeekShowsTheNextLiveEntry() {
        PendingQueue<String> q = queue(10);
        offer(q, "critical-short", CRITICAL, 5);
        offer(q, "low", LOW);
        ticker.advanceNanos(5);

        assertThat(q.peek(expired::add)).isEqualTo("low");
        assertThat(expired).containsExactly("critical-short");
        assertThat(q.size()).isEqualTo(1);
        assertThat(q.poll(expired::add)).isEqualTo("low");
    }

    @Test
    void entryExpiresExactlyAtItsDeadline() {
        PendingQueue<String> q = queue(10);
        offer(q, "a", NORMAL, 10);
        ticker.advanceNanos(9);
        assertThat(q.peek(expired::add)).isEqualTo("a");

        ticker.advanceNanos(1);
        assertThat(q.poll(expired::add)).isNull();
        assertThat(expired).containsExactly("a");
    }

    @Test
    void peekLeavesTheEntryInPlace() {
        PendingQueue<String> q = queue(10);
        offer(q, "a", HIGH);

        assertThat(q.peek(expired::add)).isEqualTo("a");
        assertThat(q.peek(expired::add)).isEqualTo("a");
        assertThat(q.size()).isEqualTo(1);
        assertThat(q.poll(expired::add)).isEqualTo("a");
        assertThat(q.peek(expired::add)).isNull();
    }

    @Test
    void purgeExpiredRemovesExpiredEntriesAnywhereAndCountsThem() {
        PendingQueue<String> q = queue(10);
        offer(q, "c-live", CRITICAL);
        offer(q, "n-short", NORMAL, 10);
        offer(q, "n-live", NORMAL);
        offer(q, "l-short", LOW, 20);
        offer(q, "l-later", LOW, 30);
        ticker.advanceNanos(20);

        assertThat(q.purgeExpired(expired::add)).isEqualTo(2);

        assertThat(expired).containsExactly("n-short", "l-short");
        assertThat(q.size()).isEqualTo(3);
        assertThat(q.size(NORMAL)).isEqualTo(1);
        assertThat(q.size(LOW)).isEqualTo(1);
        assertThat(q.purgeExpired(expired::add)).isZero();
    }

    @Test
    void removeByHandleWithdrawsAWaiterFromTheMiddleOfItsLevel() {
        PendingQueue<String> q = queue(10);
        offer(q, "a", NORMAL);
        Handle<String> b = offer(q, "b", NORMAL).handleOrNull();
        offer(q, "c", NORMAL);

        assertThat(b.isQueued()).isTrue();
        assertThat(q.remove(b)).isTrue();

        assertThat(b.isQueued()).isFalse();
        assertThat(q.size(NORMAL)).isEqualTo(2);
        assertThat(pollAll(q)).containsExactly("a", "c");
    }

    @Test
    void removeOfAnEntryThatAlreadyLeftReturnsFalseAndKeepsTheSize() {
        PendingQueue<String> q = queue(2);
        Handle<String> polled = offer(q, "polled", HIGH).handleOrNull();
        assertThat(q.poll(expired::add)).isEqualTo("polled");
        Handle<String> expiring = offer(q, "expiring", NORMAL, 1).handleOrNull();
        ticker.advanceNanos(1);
        q.purgeExpired(expired::add);
        Handle<String> evicted = offer(q, "evicted", LOW).handleOrNull();
        offer(q, "keep", NORMAL);
        offer(q, "evictor", HIGH);
        Handle<String> removed = offer(q, "removed", HIGH, HOUR).handleOrNull();
        assertThat(removed).isNotNull();
        assertThat(q.remove(removed)).isTrue();

        assertThat(q.remove(polled)).isFalse();
        assertThat(q.remove(expiring)).isFalse();
        assertThat(q.remove(evicted)).isFalse();
        assertThat(q.remove(removed)).isFalse();
        assertThat(q.remove(null)).isFalse();
        assertThat(q.size()).isEqualTo(1);
        assertThat(q.size(HIGH)).isEqualTo(1);
        assertThat(pollAll(q)).containsExactly("evictor");
    }

    @Test
    void removeIgnoresAHandleFromAnotherQueue() {
        PendingQueue<String> q = queue(2);
        PendingQueue<String> other = queue(2);
        offer(q, "mine", NORMAL);
        Handle<String> foreign = offer(other, "theirs", NORMAL).handleOrNull();

        assertThat(q.remove(foreign)).isFalse();
        assertThat(q.size()).isEqualTo(1);
        assertThat(other.size()).isEqualTo(1);
    }

    @Test
    void reportsTheEarliestDeadlineForTimedWaits() {
        PendingQueue<String> q = queue(10);
        assertThat(q.nanosUntilEarliestDeadline()).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(q::earliestDeadlineNanos).isInstanceOf(NoSuchElementException.class);

        offer(q, "late", CRITICAL, 500);
        Handle<String> soon = offer(q, "soon", LOW, 300).handleOrNull();
        ticker.advanceNanos(100);

        assertThat(q.earliestDeadlineNanos()).isEqualTo(soon.deadlineNanos());
        assertThat(q.nanosUntilEarliestDeadline()).isEqualTo(200);
        q.remove(soon);
        assertThat(q.nanosUntilEarliestDeadline()).isEqualTo(400);
    }

    @Test
    void drainEmptiesTheQueueMostUrgentFirst() {
        PendingQueue<String> q = queue(10);
        offer(q, "low", LOW);
        offer(q, "high-1", HIGH);
        offer(q, "high-2", HIGH);
        List<String> drained = new ArrayList<>();

        assertThat(q.drain(drained::add)).isEqualTo(3);

        assertThat(drained).containsExactly("high-1", "high-2", "low");
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.size(HIGH)).isZero();
        assertThat(q.nanosUntilEarliestDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void comparesTimesSafelyWhenTheTickerWrapsPastLongMaxValue() {
        ticker.setNanoTime(Long.MAX_VALUE - AGING);
        PendingQueue<String> q = queue(10);
        offer(q, "deadline-past-the-wrap", NORMAL, 2 * AGING);
        offer(q, "old-low", LOW);
        assertThat(q.earliestDeadlineNanos()).isNegative();

        ticker.advanceNanos(AGING + 1);
        // Now past Long.MAX_VALUE: readings and deadlines are negative numbers, differences still right.
        assertThat(ticker.nanoTime()).isNegative();
        assertThat(q.peek(expired::add)).isEqualTo("deadline-past-the-wrap");
        assertThat(q.nanosUntilEarliestDeadline()).isEqualTo(AGING - 1);

        ticker.advanceNanos(AGING);
        offer(q, "fresh-high", HIGH);
        offer(q, "fresh-critical", CRITICAL, 10);

        assertThat(q.nanosUntilEarliestDeadline()).as("an expired entry awaits purging").isZero();
        assertThat(q.poll(expired::add)).isEqualTo("fresh-critical");
        assertThat(expired).containsExactly("deadline-past-the-wrap");
        assertThat(pollAll(q)).containsExactly("old-low", "fresh-high");
    }

    @Test
    void fromConfigTakesCapacityAndAgingFromTheQueueSection() {
        PendingQueue<String> q = PendingQueue.fromConfig(new QueueConfig(1, null, 1L), ticker);
        offer(q, "low", LOW);
        ticker.advanceMillis(1);
        assertThat(offer(q, "normal", NORMAL)).isInstanceOf(Offer.AdmittedEvicting.class);
        assertThat(offer(q, "normal-2", NORMAL)).isInstanceOf(Offer.Rejected.class);
        assertThat(q.capacity()).isEqualTo(1);
    }

    @Test
    void rejectsNonsensicalConstruction() {
        assertThatThrownBy(() -> new PendingQueue<String>(0, AGING, ticker)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PendingQueue<String>(1, 0, ticker)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PendingQueue<String>(1, AGING, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void hugeAgingDisablesPromotionWithoutOverflowing() {
        PendingQueue<String> q = new PendingQueue<>(10, Long.MAX_VALUE, ticker);
        offer(q, "old-low", LOW);
        ticker.advanceNanos(HOUR / 2);
        offer(q, "fresh-normal", NORMAL);

        assertThat(pollAll(q)).containsExactly("fresh-normal", "old-low");
    }
}
