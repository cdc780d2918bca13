package io.switchboard.ingress.redis;

import io.lettuce.core.api.sync.RedisCommands;
import io.switchboard.config.IngressConfig;
import io.switchboard.redis.RedisLink;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one connection a Redis ingress reads with: opened on first use, opened again after {@link #drop()}, and each
 * reconnect counted and logged. Commands fail at once while Redis is away instead of queueing.
 */
final class IngressConnection implements AutoCloseable {

    private final RedisLink link;
    private final AtomicLong reconnects = new AtomicLong();

    /**
     * @param what        how log lines name the ingress, e.g. {@code redis list ingress}
     * @param log         the ingress's own logger
     * @param reconnected told of every reconnect after the first connection
     */
    IngressConnection(IngressConfig config, String what, Logger log, Runnable reconnected) {
        // A blocking read holds the connection for poll_timeout_ms; commands may take that long and a bit.
        this.link = new RedisLink(config.uri(), Duration.ofMillis(config.pollTimeoutMs() + 5_000),
                Duration.ofSeconds(5), again -> {
                    if (again) {
                        reconnects.incrementAndGet();
                        reconnected.run();
                    }
                    log.atInfo().addKeyValue("event", "ingress_connected").addKeyValue("key", config.key())
                            .addKeyValue("reconnects", reconnects.get()).log("{} {} connected", what, config.key());
                });
    }

    /** Commands on the open connection, connecting first when there is none. Only the ingress's thread calls it. */
    RedisCommands<String, String> commands() {
        return link.commands();
    }

    /** Closes the connection after a failure; the next {@link #commands()} opens a new one. */
    void drop() {
        link.drop(null);
    }

    @Override
    public void close() {
        link.close();
    }
}
