package io.switchboard.queue;

import io.switchboard.message.Priority;
import io.switchboard.testing.FakeTicker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives the queue and a deliberately naive model with the same seeded random operations and compares every answer. */
class PendingQueueModelTest {

    private static final int LEVELS = Priority.ordered().length;
    private static final long AGING = 1_000;

    /** A model entry; times are offsets from the ticker's start, so plain comparisons are safe here. */
    private record Entry(int id, int level, long enqueued, long deadline) {
    }

    private final List<List<Entry>> levels = new ArrayList<>();
    private long now;

    @ParameterizedTest(name = "seed {0}, ticker starting at {1}")
    @CsvSource({
            "1, 0",
            "2, 0",
            "3, -9223372036854775808",
            "42, 9223372036854770000",
            "7, 9223372036854775807",
            "2024, -5000"})
    void sizesAndOrderMatchAReferenceModelAcrossRandomOperations(long seed, long startNanos) {
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        FakeTicker ticker = FakeTicker.startingAt(startNanos);
        int capacity = 1 + random.nextInt(12);
        PendingQueue<Integer> queue = new PendingQueue<>(capacity, AGING, ticker);
        for (int i = 0; i < LEVELS; i++) {
            levels.add(new ArrayList<>());
        }
        List<Handle<Integer>> handles = new ArrayList<>();
        List<Integer> handleIds = new ArrayList<>();
        List<Integer> sunk = new ArrayList<>();
        int nextId = 0;

        for (int step = 0; step < 20_000; step++) {
            sunk.clear();
            int op = random.nextInt(100);
            if (op < 40) {
                int id = nextId++;
                int level = random.nextInt(LEVELS);
                long ttl = random.nextLong(6 * AGING);
                Offer<Integer> offer = queue.offer(id, Priority.ordered()[level], startNanos + now + ttl, sunk::add);
                List<Integer> modelSunk = new ArrayList<>();
                Object expected = modelOffer(new Entry(id, level, now, now + ttl), capacity, modelSunk);
                assertSameIds(sunk, modelSunk);
                switch (offer) {
                    case Offer.Admitted<Integer> a -> assertThat(expected).isEqualTo(Boolean.TRUE);
                    case Offer.AdmittedEvicting<Integer> a -> assertThat(expected).isEqualTo(a.evicted());
                    case Offer.Rejected<Integer> r -> assertThat(expected).isEqualTo(Boolean.FALSE);
                }
                if (offer.handleOrNull() != null) {
                    handles.add(offer.handleOrNull());
                    handleIds.add(id);
                }
            } else if (op < 60) {
                long delta = random.nextLong(AGING + 1);
                ticker.advanceNanos(delta);
                now += delta;
            } else if (op < 78) {
                Integer polled = queue.poll(sunk::add);
                List<Integer> modelSunk = new ArrayList<>();
                Entry expected = modelNext(modelSunk);
                if (expected != null) {
                    levels.get(expected.level()).remove(expected);
                }
                assertSameIds(sunk, modelSunk);
                assertThat(polled).isEqualTo(expected == null ? null : expected.id());
            } else if (op < 83) {
                Integer peeked = queue.peek(sunk::add);
                List<Integer> modelSunk = new ArrayList<>();
                Entry expected = modelNext(modelSunk);
                assertSameIds(sunk, modelSunk);
                assertThat(peeked).isEqualTo(expected == null ? null : expected.id());
            } else if (op < 95) {
                if (!handles.isEmpty()) {
                    int pick = random.nextInt(handles.size());
                    boolean modelRemoved = levels.stream().anyMatch(l -> l.removeIf(e -> e.id() == handleIds.get(pick)));
                    assertThat(queue.remove(handles.get(pick))).isEqualTo(modelRemoved);
                    assertThat(handles.get(pick).isQueued()).isFalse();
                }
            } else if (op < 99) {
                List<Integer> modelSunk = new ArrayList<>();
                modelPurge(modelSunk);
                assertThat(queue.purgeExpired(sunk::add)).isEqualTo(modelSunk.size());
                assertSameIds(sunk, modelSunk);
            } else {
                List<Integer> drained = new ArrayList<>();
                List<Integer> modelDrained = levels.stream().flatMap(List::stream).map(Entry::id).toList();
                levels.forEach(List::clear);
                assertThat(queue.drain(drained::add)).isEqualTo(modelDrained.size());
                assertThat(drained).containsExactlyElementsOf(modelDrained);
            }
            assertSameShape(queue);
        }
        assertThat(nextId).as("the run exercised offers").isGreaterThan(1000);
    }

    private void assertSameShape(PendingQueue<Integer> queue) {
        int total = 0;
        for (Priority p : Priority.ordered()) {
            int modelSize = levels.get(p.ordinal()).size();
            assertThat(queue.size(p)).as("size of %s", p).isEqualTo(modelSize);
            total += modelSize;
        }
        assertThat(queue.size()).isEqualTo(total);
        assertThat(queue.isEmpty()).isEqualTo(total == 0);
        long modelWait = levels.stream().flatMap(List::stream)
                .mapToLong(e -> Math.max(0, e.deadline() - now)).min().orElse(Long.MAX_VALUE);
        assertThat(queue.nanosUntilEarliestDeadline()).isEqualTo(modelWait);
    }

    /** TRUE when admitted, FALSE when rejected, else the evicted id. */
    private Object modelOffer(Entry entry, int capacity, List<Integer> sunk) {
        Object result = Boolean.TRUE;
        if (modelSize() == capacity) {
            modelPurge(sunk);
        }
        if (modelSize() == capacity) {
            result = Boolean.FALSE;
            for (int level = LEVELS - 1; level > entry.level() && result == Boolean.FALSE; level--) {
                List<Entry> l = levels.get(level);
                if (!l.isEmpty()) {
                    result = l.removeLast().id();
                }
            }
            if (result == Boolean.FALSE) {
                return result;
            }
        }
        levels.get(entry.level()).add(entry);
        return result;
    }

    private Entry modelNext(List<Integer> sunk) {
        modelPurge(sunk);
        Entry best = null;
        for (List<Entry> l : levels) {
            if (!l.isEmpty()) {
                Entry head = l.getFirst();
                if (best == null || score(head) < score(best)) {
                    best = head;
                }
            }
        }
        return best;
    }

    private static long score(Entry e) {
        return e.level() * AGING + e.enqueued();
    }

    private void modelPurge(List<Integer> sunk) {
        for (List<Entry> l : levels) {
            l.removeIf(e -> {
                boolean expired = e.deadline() <= now;
                if (expired) {
                    sunk.add(e.id());
                }
                return expired;
            });
        }
    }

    private int modelSize() {
        return levels.stream().mapToInt(List::size).sum();
    }

    private static void assertSameIds(List<Integer> actual, List<Integer> expected) {
        assertThat(actual.stream().sorted().toList())
                .isEqualTo(expected.stream().sorted(Comparator.naturalOrder()).toList());
    }
}
