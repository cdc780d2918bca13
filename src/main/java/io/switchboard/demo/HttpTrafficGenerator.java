package io.switchboard.demo;

import io.switchboard.time.Ticker;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * A {@link TrafficGenerator} on {@code java.net.http}: one scheduler thread paces the sends and draws every
 * random choice (so the generator needs no lock), responses complete on virtual threads, and a semaphore
 * bounds how many requests are outstanding.
 */
final class HttpTrafficGenerator implements TrafficGenerator {

    static final Duration STOP_GRACE = Duration.ofSeconds(2);
    static final long INITIAL_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final URI target;
    private final TrafficSettings settings;
    private final RandomGenerator random;
    private final Ticker ticker;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile Running running;

    private final LongAdder sent = new LongAdder();
    private final LongAdder ok = new LongAdder();
    private final LongAdder transportErrors = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final Map<Integer, LongAdder> failedByStatus = new ConcurrentHashMap<>();
    private final AtomicInteger consecutiveUnreachable = new AtomicInteger();
    private volatile boolean backingOff;
    private volatile long resumeAtNanos;

    private record Running(ScheduledExecutorService ticks, ExecutorService responses, HttpClient client,
                           Semaphore slots) {
    }

    HttpTrafficGenerator(URI target, TrafficSettings settings, RandomGenerator random, Ticker ticker) {
        this.target = Objects.requireNonNull(target, "target");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.random = Objects.requireNonNull(random, "random");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    /** The pause after {@code failures} consecutive unreachable attempts: 250 ms doubling up to 5 s. */
    static long backoffNanos(int failures) {
        int doublings = Math.min(Math.max(failures, 1) - 1, 30);
        return Math.min(INITIAL_BACKOFF_NANOS << doublings, MAX_BACKOFF_NANOS);
    }

    @Override
    public void start() {
        lifecycle.lock();
        try {
            if (running != null) {
                return;
            }
            ExecutorService responses = Executors.newVirtualThreadPerTaskExecutor();
            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2))
                    .executor(responses)
                    .build();
            ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("traffic-generator").factory());
            Running next = new Running(ticks, responses, client, new Semaphore(settings.maxOutstanding()));
            backingOff = false;
            consecutiveUnreachable.set(0);
            long periodNanos = Math.max(1, Math.round(1e9 / settings.ratePerSecond()));
            ticks.scheduleAtFixedRate(() -> tick(next), 0, periodNanos, TimeUnit.NANOSECONDS);
            running = next;
        } finally {
            lifecycle.unlock();
        }
    }

    @Override
    public void stop() {
        Running stopping;
        lifecycle.lock();
        try {
            stopping = running;
            running = null;
        } finally {
            lifecycle.unlock();
        }
        if (stopping == null) {
            return;
        }
        boolean interrupted = false;
        stopping.ticks().shutdownNow();
        try {
            stopping.ticks().awaitTermination(1, TimeUnit.SECONDS);
            // Let outstanding requests finish briefly; whatever is left is cut off with the client.
            if (stopping.slots().tryAcquire(settings.maxOutstanding(), STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                stopping.slots().release(settings.maxOutstanding());
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        stopping.client().shutdownNow();
        try {
            stopping.client().awaitTermination(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            interrupted = true;
        }
        stopping.responses().shutdown();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running != null;
    }

    @Override
    public TrafficStats stats() {
        Map<Integer, Long> byStatus = failedByStatus.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().sum()));
        return new TrafficStats(sent.sum(), ok.sum(), byStatus, transportErrors.sum(), skipped.sum());
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "TrafficGenerator[" + target + ", " + settings.ratePerSecond() + "/s, " + stats() + "]";
    }

    private void tick(Running run) {
        // An exception escaping a fixed-rate task would silently cancel every later tick.
        try {
            if (backingOff && ticker.nanoTime() - resumeAtNanos < 0) {
                skipped.increment();
                return;
            }
            if (!run.slots().tryAcquire()) {
                skipped.increment();
                return;
            }
            send(run);
        } catch (RuntimeException e) {
            transportErrors.increment();
        }
    }

    private void send(Running run) {
        HttpRequest request = HttpRequest.newBuilder(target)
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/json")
                .header("X-Request-ID", String.format("demo-%012x", random.nextLong() >>> 16))
                .POST(HttpRequest.BodyPublishers.ofString(DemoPrompts.nextBody(random)))
                .build();
        sent.increment();
        try {
            run.client().sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, failure) -> {
                        try {
                            record(response, failure);
                        } finally {
                            run.slots().release();
                        }
                    });
        } catch (RuntimeException e) {
            transportErrors.increment();
            run.slots().release();
        }
    }

    private void record(HttpResponse<Void> response, Throwable failure) {
        if (failure != null) {
            transportErrors.increment();
            if (unreachable(failure)) {
                int failures = consecutiveUnreachable.incrementAndGet();
                resumeAtNanos = ticker.nanoTime() + backoffNanos(failures);
                backingOff = true;
            }
            return;
        }
        consecutiveUnreachable.set(0);
        backingOff = false;
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            ok.increment();
        } else {
            failedByStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        }
    }

    private static boolean unreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
