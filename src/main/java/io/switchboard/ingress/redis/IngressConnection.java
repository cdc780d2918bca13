package io.switchboard.ingress.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.switchboard.config.IngressConfig;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one connection a Redis ingress reads with: opened on first use, opened again after {@link #drop()}, and each
 * reconnect counted and logged. Commands fail at once while Redis is away instead of queueing.
 */
final class IngressConnection implements AutoCloseable {

    private final IngressConfig config;
    private final String what;
    private final Logger log;
    private final RedisClient client;
    private final AtomicLong reconnects = new AtomicLong();
    private final Runnable reconnected;
    private boolean connectedBefore;
    private volatile StatefulRedisConnection<String, String> connection;

    /**
     * @param what how log lines name the ingress, e.g. {@code redis list ingress}
     * @param log         the ingress's own logger
     * @param reconnected told of every reconnect after the first connection
     */
    IngressConnection(IngressConfig config, String what, Logger log, Runnable reconnected) {
        this.config = config;
        this.reconnected = reconnected;
        this.what = what;
        this.log = log;
        RedisURI uri = RedisURI.create(config.uri());
        // A blocking read holds the connection for poll_timeout_ms; commands may take that long and a bit.
        uri.setTimeout(Duration.ofMillis(config.pollTimeoutMs() + 5_000));
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(5)).build())
                .build());
    }

    /** Commands on the open connection, connecting first when there is none. Only the ingress's thread calls it. */
    RedisCommands<String, String> commands() {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null || !c.isOpen()) {
            c = client.connect();
            connection = c;
            if (connectedBefore) {
                reconnects.incrementAndGet();
                reconnected.run();
            }
            connectedBefore = true;
            log.atInfo().addKeyValue("event", "ingress_connected").addKeyValue("key", config.key())
                    .addKeyValue("reconnects", reconnects.get()).log("{} {} connected", what, config.key());
        }
        return c.sync();
    }

    /** Closes the connection after a failure; the next {@link #commands()} opens a new one. */
    void drop() {
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            connection = null;
            c.closeAsync();
        }
    }

    @Override
    public void close() {
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
