package io.switchboard.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One Redis connection, made on first use and made again after {@link #drop} (Lettuce's own reconnecting is off, so a
 * lost connection fails its commands at once instead of queueing them, and the owner decides when to try again).
 * Safe to share between threads.
 */
public final class RedisLink implements AutoCloseable {

    /** Told after every connection is made; {@code again} is false for the first one. */
    public interface Listener {
        void connected(boolean again);
    }

    private final RedisClient client;
    private final Listener listener;
    private final ReentrantLock connecting = new ReentrantLock();
    private volatile StatefulRedisConnection<String, String> connection;
    private boolean connectedBefore;

    /**
     * @param commandTimeout how long a command may take
     * @param connectTimeout how long making the connection may take
     */
    public RedisLink(URI url, Duration commandTimeout, Duration connectTimeout, Listener listener) {
        this.client = client(url, commandTimeout, connectTimeout);
        this.listener = listener;
    }

    /**
     * A client for {@code url} as every Redis connection of the engine uses it: Lettuce's own reconnecting off and
     * commands on a lost connection rejected at once, so that its owner notices the loss and decides when to connect
     * again.
     */
    public static RedisClient client(URI url, Duration commandTimeout, Duration connectTimeout) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(commandTimeout);
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
                .build());
        return client;
    }

    /** Whether a connection is open now (without trying to make one). */
    public boolean connected() {
        StatefulRedisConnection<String, String> c = connection;
        return c != null && c.isOpen();
    }

    /** Commands on the open connection, connecting first when there is none; a failure to connect throws. */
    public RedisCommands<String, String> commands() {
        StatefulRedisConnection<String, String> c = connection;
        if (c != null && c.isOpen()) {
            return c.sync();
        }
        connecting.lock();
        try {
            c = connection;
            if (c == null || !c.isOpen()) {
                c = client.connect();
                connection = c;
                boolean again = connectedBefore;
                connectedBefore = true;
                listener.connected(again);
            }
            return c.sync();
        } finally {
            connecting.unlock();
        }
    }

    /**
     * Closes the connection {@code failed} came from, after a failure, unless it was replaced meanwhile; the next
     * {@link #commands()} connects afresh.
     */
    public void drop(RedisCommands<String, String> failed) {
        StatefulRedisConnection<String, String> c = connection;
        if (c != null && (failed == null || c.sync() == failed)) {
            connection = null;
            c.closeAsync();
        }
    }

    /**
     * After {@code e} from a command on {@code failed}: a connection that was lost, or did not answer in time, is
     * dropped so the next {@link #commands()} connects afresh; an error Redis answered (a script error, a wrong type)
     * leaves it open.
     */
    public void failed(RedisCommands<String, String> failed, RedisException e) {
        if (!(e instanceof RedisCommandExecutionException)) {
            drop(failed);
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
