package io.switchboard.dispatch;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.switchboard.time.Ticker;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker's live state: identity, concurrency slots, latency estimate and circuit breaker. Selection reads it
 * lock-free; {@link #tryAcquire()} and {@link #release()} are the only ways to change the in-flight count.
 */
public final class Worker {

    /** Weight of the newest sample in the latency moving average. */
    private static final double EWMA_ALPHA = 0.2;

    private final String id;
    private final String pool;
    private final URI url;
    private final int weight;
    private final int maxConcurrency;
    private final CircuitBreaker breaker;
    private final Ticker ticker;
    private final long openNanos;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong ewmaLatencyNanos = new AtomicLong();
    private volatile long openedAtNanos;
    private volatile Runnable onRelease = () -> { };

    public Worker(String id, String pool, URI url, int weight, int maxConcurrency, CircuitBreaker breaker,
                  Ticker ticker, long openNanos) {
        this.id = id;
        this.pool = pool;
        this.url = url;
        this.weight = weight;
        this.maxConcurrency = maxConcurrency;
        this.breaker = breaker;
        this.ticker = ticker;
        this.openNanos = openNanos;
        breaker.getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAtNanos = ticker.nanoTime();
            }
        });
    }

    public String id() { return id; }

    public String pool() { return pool; }

    public URI url() { return url; }

    public int weight() { return weight; }

    public int maxConcurrency() { return maxConcurrency; }

    public CircuitBreaker breaker() { return breaker; }

    public int inFlight() { return inFlight.get(); }

    /** In-flight requests as a share of the concurrency limit, in [0, 1]. */
    public double load() {
        return (double) inFlight.get() / maxConcurrency;
    }

    /** Moving average of successful attempt latency in nanoseconds; 0 until the first sample. */
    public long latencyNanos() {
        return ewmaLatencyNanos.get();
    }

    public void recordLatency(long nanos) {
        long prev;
        long next;
        do {
            prev = ewmaLatencyNanos.get();
            next = prev == 0 ? nanos : (long) (prev + EWMA_ALPHA * (nanos - prev));
        } while (!ewmaLatencyNanos.compareAndSet(prev, next));
    }

    /** Whether the circuit lets calls through now: closed, half-open, or open long enough to probe. */
    public boolean circuitAdmits() {
        return switch (breaker.getState()) {
            case CLOSED, HALF_OPEN, DISABLED, METRICS_ONLY -> true;
            case OPEN -> ticker.nanoTime() - openedAtNanos >= openNanos;
            case FORCED_OPEN -> false;
        };
    }

    /** Whether a selector may pick this worker: its circuit admits calls and it has a free slot. */
    public boolean isUsable() {
        return inFlight.get() < maxConcurrency && circuitAdmits();
    }

    /**
     * Takes a circuit-breaker permission and then a concurrency slot (the order the delivery chain defines);
     * returns false, holding nothing, when either is refused.
     */
    public boolean tryAcquire() {
        if (!breaker.tryAcquirePermission()) {
            return false;
        }
        int n;
        do {
            n = inFlight.get();
            if (n >= maxConcurrency) {
                breaker.releasePermission();
                return false;
            }
        } while (!inFlight.compareAndSet(n, n + 1));
        return true;
    }

    /** Returns a slot taken by {@link #tryAcquire()} and lets the owner hand it to a waiting message. */
    public void release() {
        inFlight.decrementAndGet();
        onRelease.run();
    }

    /** Called after every release; the pool's dispatcher uses it to wake waiting messages. */
    public void onRelease(Runnable listener) {
        this.onRelease = listener;
    }

    @Override
    public String toString() {
        return id;
    }
}
