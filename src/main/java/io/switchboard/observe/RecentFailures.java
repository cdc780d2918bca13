package io.switchboard.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** The last {@value #SIZE} messages that ended without an answer, newest first when read. */
final class RecentFailures {

    static final int SIZE = 20;

    /** One failed message; request ids are fine here, this is a diagnostic list and never a metric label. */
    record Entry(long epochMillis, String requestId, String messageId, String className, String pool, String worker,
                 String category, String detail) {
    }

    private final AtomicReferenceArray<Entry> entries = new AtomicReferenceArray<>(SIZE);
    private final AtomicLong written = new AtomicLong();

    void add(Entry e) {
        entries.set((int) (written.getAndIncrement() % SIZE), e);
    }

    List<Entry> newestFirst() {
        long n = written.get();
        List<Entry> out = new ArrayList<>(SIZE);
        for (long i = n - 1; i >= Math.max(0, n - SIZE); i--) {
            Entry e = entries.get((int) (i % SIZE));
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }
}
