package io.switchboard.ingress.redis;

import io.switchboard.AsyncPipeline;
import io.switchboard.config.IngressConfig;
import io.switchboard.ingress.PullIngress;
import io.lettuce.core.RedisException;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What the Redis ingresses share: their config, the intake that stores items, the dedup window, the reconnecting
 * connection, and the one thread each reads on, with how it pauses and stops.
 */
abstract class RedisIngress implements PullIngress {

    protected static final long MAX_BACKOFF_MILLIS = 5_000;

    protected final IngressConfig config;
    protected final ItemIntake intake;
    protected final DedupWindow duplicates;
    protected final IngressConnection connection;
    protected volatile boolean running;
    private final String what;
    private final Logger log;
    private Thread thread;

    /**
     * @param what         how log lines name the ingress, e.g. {@code redis list ingress}
     * @param maxItemBytes larger items are dead-lettered as too large ({@code server.max_body_bytes})
     * @param reconnected  told of every reconnect after the first connection
     */
    RedisIngress(IngressConfig config, String what, AsyncPipeline async, long maxItemBytes, Runnable reconnected,
                 Logger log) {
        this.config = config;
        this.what = what;
        this.log = log;
        this.intake = new ItemIntake(async, maxItemBytes, config.requiredFields());
        this.duplicates = new DedupWindow(config, log);
        this.connection = new IngressConnection(config, what, log, reconnected);
    }

    /** Reads until {@link #running} turns false. */
    protected abstract void loop();

    /** Starts {@link #loop} on a virtual thread of its own. */
    protected final void startLoop() {
        running = true;
        thread = Thread.ofVirtual().name("ingress-redis-" + config.key()).start(this::loop);
    }

    /**
     * After Redis failed with {@code e}: logs it, drops the connection (the next read connects afresh) and waits
     * {@code backoff} ms; false when the ingress was stopped meanwhile (or already).
     */
    protected final boolean unavailable(RedisException e, long backoff) {
        if (!running) {
            return false;
        }
        log.atWarn().addKeyValue("event", "ingress_redis_unavailable").addKeyValue("key", config.key())
                .addKeyValue("retry_in_ms", backoff)
                .log("{} {}: {}; trying again in {} ms", what, config.key(), e.getMessage(), backoff);
        connection.drop();
        return pause(backoff);
    }

    /** Waits {@code millis}; false when stopped meanwhile. */
    protected final boolean pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
            return running;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Stops taking items; one being stored finishes first (bounded by the store's timeouts). */
    @Override
    public void close() {
        running = false;
        if (thread != null) {
            try {
                if (!thread.join(Duration.ofMillis(config.pollTimeoutMs() + 5_000))) {
                    thread.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        connection.close();
    }
}
