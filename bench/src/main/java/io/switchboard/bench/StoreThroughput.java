package io.switchboard.bench;

import io.switchboard.message.Envelope;
import io.switchboard.message.Ids;
import io.switchboard.message.Priority;
import io.switchboard.store.NewMessage;
import io.switchboard.store.StoreUnavailableException;
import io.switchboard.store.Submission;
import io.switchboard.store.Store;
import io.switchboard.store.redis.RedisStore;
import io.switchboard.store.sqlite.SqliteStore;
import io.switchboard.time.Ticker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Accepted-and-stored messages per second through a store: N producers, each a virtual thread looping
 * {@code submit()} with a 200-character text envelope, against the embedded store ({@link SqliteStore}) in a fresh
 * directory, or the Redis store ({@link RedisStore}) under a fresh key prefix (deleted afterwards).
 * Every submit returns once its row is committed (and on disk with {@code fsync}), so this is the rate at which the
 * engine could answer asynchronous messages with 202, without HTTP in front.
 *
 * <p>A plain main, not JMH: JMH's fixed benchmark threads fit badly with hundreds of producers blocked on one fsync.
 *
 * <p>For each store kind and producer count: open the store in a new temporary directory (or key prefix), run the
 * producers for the warmup, then count the submits that complete within the measurement window and sample their
 * latencies (a bounded reservoir, so memory stays fixed however fast the store is). Commits are counted through the
 * store's commit observer, which gives the group-commit batch size (messages per commit). The directory is deleted
 * afterwards.
 *
 * <p>Run it with {@code bench/store.sh} (which builds first), or
 * {@code java -cp bench/target/benchmarks.jar io.switchboard.bench.StoreThroughput --help} for the options.
 */
public final class StoreThroughput {

    private static final int TEXT_SIZE = 200;
    private static final int DISTINCT_TEXTS = 256;
    private static final int RESERVOIR = 1 << 18;
    /** The engine's defaults for store.write_timeout_ms, store.retention_ms and store.idempotency_window_ms. */
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(2);
    private static final long RETENTION_MS = TimeUnit.HOURS.toMillis(24);
    private static final long IDEMPOTENCY_WINDOW_MS = TimeUnit.HOURS.toMillis(24);
    private static final long TTL_MS = TimeUnit.HOURS.toMillis(1);

    private StoreThroughput() {
    }

    record Options(Duration warmup, Duration duration, List<Integer> producers, List<String> stores, Path dir,
                   URI redis) {
    }

    record Result(String store, int producers, double seconds, long accepted, long refused, long duplicates,
                  long commits, long commitNanos, double p50Ms, double p99Ms, String firstRefusal) {

        double perSecond() {
            return accepted / seconds;
        }

        double perCommit() {
            return commits == 0 ? 0 : (double) accepted / commits;
        }

        double meanCommitMs() {
            return commits == 0 ? 0 : commitNanos / 1e6 / commits;
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("StoreThroughput: " + e.getMessage());
            System.err.println();
            usage();
            System.exit(2);
            return;
        }
        if (options == null) {
            usage();
            return;
        }
        // The store logs its opening and closing at INFO; keep the output to the table unless asked otherwise.
        if (System.getenv("SWITCHBOARD_LOG_LEVEL") == null && System.getProperty("SWITCHBOARD_LOG_LEVEL") == null) {
            System.setProperty("SWITCHBOARD_LOG_LEVEL", "WARN");
        }
        Files.createDirectories(options.dir());
        FileStore fs = Files.getFileStore(options.dir());
        long perRun = options.warmup().toMillis() + options.duration().toMillis();
        int runs = options.producers().size() * options.stores().size();
        System.out.printf(Locale.ROOT, "store throughput: JDK %s, %d cores, store directories under %s (%s, %s)%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), options.dir(), fs.name(), fs.type());
        System.out.printf(Locale.ROOT, "%d %s of %.1f s warmup + %.1f s measured (about %d s in all); "
                        + "%d-character text envelopes%n%n", runs, runs == 1 ? "run" : "runs",
                options.warmup().toMillis() / 1e3,
                options.duration().toMillis() / 1e3, runs * perRun / 1000 + runs, TEXT_SIZE);

        Envelope[] envelopes = envelopes();
        List<Result> results = new ArrayList<>();
        for (String kind : options.stores()) {
            for (int producers : options.producers()) {
                Result r = run(options, kind, producers, envelopes);
                results.add(r);
                System.out.printf(Locale.ROOT, "  %-5s %4d producers: %,9.0f msg/s  p50 %.2f ms  p99 %.2f ms  "
                                + "%,.1f msg/commit%s%n", r.store(), r.producers(), r.perSecond(),
                        r.p50Ms(), r.p99Ms(), r.perCommit(),
                        r.refused() > 0 ? "  REFUSED " + r.refused() + ": " + r.firstRefusal() : "");
                System.gc();
            }
        }
        System.out.println();
        System.out.println("| store | producers | msg/s | p50 ms | p99 ms | commits | msg/commit | commit ms "
                + "| refused |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %d | %,.0f | %.2f | %.2f | %,d | %.1f | %.2f | %d |%n",
                    r.store(), r.producers(), r.perSecond(), r.p50Ms(), r.p99Ms(), r.commits(),
                    r.perCommit(), r.meanCommitMs(), r.refused() + r.duplicates());
        }
        System.out.println();
        System.out.println("msg/s counts submits answered Accepted within the measured window; p50/p99 are their "
                + "latencies; commit ms is the mean time of one commit (with fsync, the flush) as the commit "
                + "observer reports it.");
    }

    private static Result run(Options options, String kind, int producers, Envelope[] envelopes)
            throws InterruptedException, StoreUnavailableException {
        Path dir;
        try {
            dir = Files.createTempDirectory(options.dir(), "sb-store-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LongAdder commits = new LongAdder();
        LongAdder commitNanos = new LongAdder();
        java.util.function.LongConsumer observer = nanos -> {
            commits.increment();
            commitNanos.add(nanos);
        };
        String prefix = "sbbench:" + dir.getFileName() + ":";
        Store store = kind.equals("redis")
                ? RedisStore.open(new RedisStore.Settings(options.redis(), prefix, "bench", Long.MAX_VALUE,
                        WRITE_TIMEOUT, RETENTION_MS, IDEMPOTENCY_WINDOW_MS, 10_000), Ticker.system(), List.of(),
                        (sink, m) -> new byte[0], observer, () -> { })
                : SqliteStore.open(new SqliteStore.Settings(dir, kind.equals("fsync"), Long.MAX_VALUE, WRITE_TIMEOUT,
                        RETENTION_MS, IDEMPOTENCY_WINDOW_MS), Ticker.system(), List.of(), (sink, m) -> new byte[0],
                        observer);
        try {
            long start = System.nanoTime() + options.warmup().toNanos();
            long end = start + options.duration().toNanos();
            Reservoir latencies = new Reservoir(RESERVOIR);
            Producer[] workers = new Producer[producers];
            Thread[] threads = new Thread[producers];
            for (int i = 0; i < producers; i++) {
                workers[i] = new Producer(store, envelopes, i, start, end, latencies);
                threads[i] = Thread.ofVirtual().name("producer-" + i).start(workers[i]);
            }
            sleepUntil(start);
            long commitsBefore = commits.sum();
            long commitNanosBefore = commitNanos.sum();
            sleepUntil(end);
            long commitsDuring = commits.sum() - commitsBefore;
            long commitNanosDuring = commitNanos.sum() - commitNanosBefore;
            for (Producer p : workers) {
                p.stop = true;
            }
            for (Thread t : threads) {
                t.join();
            }
            long accepted = 0;
            long refused = 0;
            long duplicates = 0;
            String firstRefusal = null;
            for (Producer p : workers) {
                if (p.failure != null) {
                    throw new IllegalStateException("a producer failed", p.failure);
                }
                accepted += p.accepted;
                refused += p.refused;
                duplicates += p.duplicates;
                if (firstRefusal == null) {
                    firstRefusal = p.firstRefusal;
                }
            }
            long[] sample = latencies.sorted();
            return new Result(kind, producers, options.duration().toNanos() / 1e9, accepted, refused, duplicates,
                    commitsDuring, commitNanosDuring, percentileMs(sample, 0.50), percentileMs(sample, 0.99),
                    firstRefusal);
        } finally {
            store.close();
            delete(dir);
            if (kind.equals("redis")) {
                deleteKeys(options.redis(), prefix);
            }
        }
    }

    /** One producer: submits back to back until stopped; counts what completes inside [start, end). */
    private static final class Producer implements Runnable {
        private final Store store;
        private final Envelope[] envelopes;
        private final int offset;
        private final long start;
        private final long end;
        private final Reservoir latencies;
        volatile boolean stop;
        long accepted;
        long refused;
        long duplicates;
        String firstRefusal;
        Throwable failure;

        Producer(Store store, Envelope[] envelopes, int offset, long start, long end, Reservoir latencies) {
            this.store = store;
            this.envelopes = envelopes;
            this.offset = offset;
            this.start = start;
            this.end = end;
            this.latencies = latencies;
        }

        @Override
        public void run() {
            try {
                for (int i = offset; !stop; i++) {
                    long now = System.currentTimeMillis();
                    NewMessage m = new NewMessage(Ids.newId(now), Ids.newId(now), envelopes[i % envelopes.length],
                            "default", Priority.NORMAL, "default", TTL_MS, now);
                    long t0 = System.nanoTime();
                    Submission s = store.submit(m);
                    long t1 = System.nanoTime();
                    if (t1 < start || t1 >= end) {
                        continue;
                    }
                    switch (s) {
                        case Submission.Accepted a -> {
                            accepted++;
                            latencies.add(t1 - t0);
                        }
                        case Submission.Duplicate d -> duplicates++;
                        case Submission.Refused r -> {
                            if (refused++ == 0) {
                                firstRefusal = r.reason();
                            }
                        }
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    /** A fixed-size uniform sample of every value added (Vitter's algorithm R); exact while it is not full. */
    private static final class Reservoir {
        private final long[] values;
        private final ReentrantLock lock = new ReentrantLock();
        private long seen;

        Reservoir(int capacity) {
            values = new long[capacity];
        }

        void add(long value) {
            lock.lock();
            try {
                long n = seen++;
                if (n < values.length) {
                    values[(int) n] = value;
                } else {
                    long j = ThreadLocalRandom.current().nextLong(n + 1);
                    if (j < values.length) {
                        values[(int) j] = value;
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        long[] sorted() {
            lock.lock();
            try {
                long[] out = Arrays.copyOf(values, (int) Math.min(seen, values.length));
                Arrays.sort(out);
                return out;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Nearest-rank percentile of a sorted sample, in milliseconds; NaN for an empty sample. */
    private static double percentileMs(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    private static Envelope[] envelopes() {
        SplittableRandom random = new SplittableRandom(42);
        Envelope[] out = new Envelope[DISTINCT_TEXTS];
        for (int i = 0; i < out.length; i++) {
            out[i] = Envelope.ofText(Corpus.text(random, TEXT_SIZE, null));
        }
        return out;
    }

    /** Removes what a Redis run wrote (SCAN and UNLINK, a thousand keys at a time). */
    private static void deleteKeys(URI redis, String prefix) {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(io.lettuce.core.RedisURI.create(redis));
        try (var c = client.connect()) {
            var scan = io.lettuce.core.ScanArgs.Builder.matches(prefix + "*").limit(1_000);
            io.lettuce.core.KeyScanCursor<String> cursor = c.sync().scan(scan);
            while (true) {
                if (!cursor.getKeys().isEmpty()) {
                    c.sync().unlink(cursor.getKeys().toArray(String[]::new));
                }
                if (cursor.isFinished()) {
                    break;
                }
                cursor = c.sync().scan(cursor, scan);
            }
        } finally {
            client.shutdown();
        }
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("StoreThroughput: could not delete " + dir + ": " + e.getMessage());
        }
    }

    // ---- arguments ----

    /** The options, or null when help was asked for. */
    static Options parse(String[] args) {
        Duration warmup = Duration.ofSeconds(3);
        Duration duration = Duration.ofSeconds(10);
        List<Integer> producers = List.of(1, 16, 256);
        List<String> stores = List.of("fsync", "batch");
        URI redis = URI.create("redis://127.0.0.1:6379");
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return null;
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!List.of("--warmup", "--duration", "--producers", "--store", "--durability", "--dir", "--redis")
                    .contains(name)) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "--warmup" -> warmup = duration(name, value, true);
                case "--duration" -> duration = duration(name, value, false);
                case "--producers" -> producers = counts(value);
                case "--store", "--durability" -> stores = stores(value);
                case "--redis" -> redis = URI.create(value);
                case "--dir" -> dir = Path.of(value);
                default -> throw new IllegalStateException(name);
            }
        }
        return new Options(warmup, duration, producers, stores, dir, redis);
    }

    private static Duration duration(String name, String value, boolean zeroAllowed) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Duration d;
        try {
            if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else {
                String s = v.endsWith("s") ? v.substring(0, v.length() - 1) : v;
                d = Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " takes seconds (10, 2.5, 10s or 500ms), got '" + value + "'");
        }
        if (d.isNegative() || (!zeroAllowed && d.isZero())) {
            throw new IllegalArgumentException(name + " must be " + (zeroAllowed ? "at least 0" : "positive")
                    + ", got '" + value + "'");
        }
        return d;
    }

    private static List<Integer> counts(String value) {
        List<Integer> out = new ArrayList<>();
        for (String part : value.split(",")) {
            try {
                int n = Integer.parseInt(part.trim());
                if (n < 1 || n > 100_000) {
                    throw new NumberFormatException();
                }
                out.add(n);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--producers takes counts from 1 to 100000 separated by commas, "
                        + "got '" + value + "'");
            }
        }
        return List.copyOf(out);
    }

    private static List<String> stores(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split(",")) {
            switch (part.trim().toLowerCase(Locale.ROOT)) {
                case "fsync", "batch", "redis" -> out.add(part.trim().toLowerCase(Locale.ROOT));
                default -> throw new IllegalArgumentException(
                        "--store takes fsync, batch and redis separated by commas, got '"
                        + value + "'");
            }
        }
        return List.copyOf(out);
    }

    private static void usage() {
        System.out.println("""
                usage: StoreThroughput [options]
                  --warmup S          seconds of warmup per run (default 3; also 2.5, 3s, 500ms)
                  --duration S        seconds measured per run (default 10)
                  --producers LIST    concurrent producers, comma-separated (default 1,16,256)
                  --store LIST        fsync and batch (the embedded store), redis; comma-separated (default
                                      fsync,batch; --durability is the same option)
                  --redis URL         the Redis of the redis runs (default redis://127.0.0.1:6379)
                  --dir PATH          parent of the temporary store directories (default java.io.tmpdir)""");
    }
}
