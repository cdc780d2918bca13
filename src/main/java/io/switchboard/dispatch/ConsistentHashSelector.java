package io.switchboard.dispatch;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A hash ring: each worker owns {@link #POINTS_PER_WEIGHT} points per unit of weight, placed by hashing its id, so
 * adding or removing a worker moves only the keys on its own arcs. A key goes to the owner of the first point at or
 * after the key's hash, walking on clockwise past workers that are not admitted; it returns to its own worker once
 * that worker is admitted again. Messages without a key are spread round-robin.
 */
final class ConsistentHashSelector extends SnapshotSelector {

    static final int POINTS_PER_WEIGHT = 160;
    static final int MAX_POINTS = 1 << 16;

    /** Sorted point positions; {@code owners[i]} is the index of the worker owning {@code points[i]}. */
    private final long[] points;
    private final int[] owners;
    private final WorkerSelector keyless;

    ConsistentHashSelector(List<Worker> workers) {
        super(workers);
        this.keyless = new RoundRobinSelector(this.list);
        int[] counts = pointCounts(this.workers);
        int total = Arrays.stream(counts).sum();
        record Point(long hash, String id, int owner) { }
        Point[] ring = new Point[total];
        int p = 0;
        for (int i = 0; i < this.workers.length; i++) {
            String id = this.workers[i].id();
            for (int v = 0; v < counts[i]; v++) {
                ring[p++] = new Point(hash64(id + '#' + v), id, i);
            }
        }
        // Ties broken by id keep the ring independent of list order.
        Arrays.sort(ring, Comparator.comparingLong(Point::hash).thenComparing(Point::id));
        this.points = new long[total];
        this.owners = new int[total];
        for (int i = 0; i < total; i++) {
            points[i] = ring[i].hash();
            owners[i] = ring[i].owner();
        }
    }

    @Override
    public Worker select(SelectionContext context) {
        String key = context.affinityKey();
        if (key == null) {
            return keyless.select(context);
        }
        int len = points.length;
        if (len == 0) {
            return null;
        }
        int pos = Arrays.binarySearch(points, hash64(key));
        if (pos < 0) {
            pos = -pos - 1;
        }
        int n = workers.length;
        long refused = 0;      // bit i: worker i (for i < 64) already turned down, no need to ask it again
        int refusedCount = 0;
        for (int k = 0; k < len; k++) {
            int at = pos + k < len ? pos + k : (pos + k) % len;
            int owner = owners[at];
            long bit = owner < 64 ? 1L << owner : 0;
            if ((refused & bit) != 0) {
                continue;
            }
            Worker w = workers[owner];
            if (context.admits(w)) {
                return w;
            }
            if (bit != 0) {
                refused |= bit;
                if (++refusedCount == n) {
                    return null;
                }
            }
        }
        return null;
    }

    private static int[] pointCounts(Worker[] workers) {
        long total = 0;
        for (Worker w : workers) {
            if (w.weight() < 1) {
                throw new IllegalArgumentException("worker " + w.id() + " has weight " + w.weight()
                        + "; weights must be at least 1");
            }
            total += (long) POINTS_PER_WEIGHT * w.weight();
        }
        int[] counts = new int[workers.length];
        for (int i = 0; i < workers.length; i++) {
            long c = (long) POINTS_PER_WEIGHT * workers[i].weight();
            counts[i] = (int) (total <= MAX_POINTS ? c : Math.max(1, c * MAX_POINTS / total));
        }
        return counts;
    }

    /** FNV-1a over the UTF-16 code units, finished with MurmurHash3's fmix64 so nearby strings land far apart. */
    static long hash64(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0, len = s.length(); i < len; i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9db6fe6bd53L;
        h ^= h >>> 33;
        return h;
    }
}
