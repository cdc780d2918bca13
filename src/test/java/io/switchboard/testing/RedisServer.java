package io.switchboard.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real Redis for tests: the one on 127.0.0.1:6379 when it answers (CI starts it), else a {@code redis-server} of
 * this test's own on a free port; without either, the test is skipped and says why.
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final Process process;
    private io.lettuce.core.RedisClient client;
    private io.lettuce.core.api.StatefulRedisConnection<String, String> connection;
    private final List<io.lettuce.core.pubsub.StatefulRedisPubSubConnection<String, String>> subscriptions =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    private RedisServer(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /** The shared local Redis, or one of this test's own. */
    public static RedisServer local() {
        if (answers(6379)) {
            return new RedisServer(6379, null);
        }
        return start(freePort());
    }

    /** A {@code redis-server} of this test's own on {@code port}, keeping nothing on disk; stopped by close(). */
    public static RedisServer start(int port) {
        try {
            return start(port, Files.createTempDirectory("switchboard-redis-"), false);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A {@code redis-server} of this test's own on {@code port} with its files in {@code dir}; {@code durable} turns
     * on the append-only file with {@code appendfsync always}, so what it acknowledged survives a SIGKILL and a
     * restart on the same directory. close() kills it with SIGKILL.
     */
    public static RedisServer start(int port, Path dir, boolean durable) {
        Process p;
        try {
            List<String> durability = durable ? List.of("--appendonly", "yes", "--appendfsync", "always")
                    : List.of("--appendonly", "no");
            List<String> command = new java.util.ArrayList<>(List.of("redis-server", "--bind", "127.0.0.1",
                    "--port", Integer.toString(port), "--save", "", "--dir", dir.toString()));
            command.addAll(durability);
            p = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            assumeTrue(false, "no Redis on 127.0.0.1:6379 and no redis-server to start: " + e.getMessage());
            throw new IllegalStateException(e);
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> answers(port));
        return new RedisServer(port, p);
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a Redis answers PING on 127.0.0.1:{@code port}. */
    public static boolean answers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = in.readNBytes(buf, 0, 7);
            return new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    /** Commands on one connection of this test's, closed with this server. */
    public synchronized io.lettuce.core.api.sync.RedisCommands<String, String> commands() {
        if (connection == null) {
            connection = client().connect();
        }
        return connection.sync();
    }

    /** Deletes every key that starts with {@code prefix} (what a test's engines left on a shared Redis). */
    public void deleteKeys(String prefix) {
        List<String> keys = commands().keys(prefix + "*");
        if (!keys.isEmpty()) {
            commands().del(keys.toArray(String[]::new));
        }
    }

    /** Subscribes to {@code channel}; the returned list fills with what is published there from now on. */
    public List<String> subscribe(String channel) {
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        var sub = client().connectPubSub();
        sub.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String message) {
                heard.add(message);
            }
        });
        sub.sync().subscribe(channel);
        subscriptions.add(sub);
        return heard;
    }

    private synchronized io.lettuce.core.RedisClient client() {
        if (client == null) {
            client = io.lettuce.core.RedisClient.create(uri().toString());
        }
        return client;
    }

    @Override
    public void close() {
        subscriptions.forEach(io.lettuce.core.pubsub.StatefulRedisPubSubConnection::close);
        synchronized (this) {
            if (connection != null) {
                connection.close();
                connection = null;
            }
            if (client != null) {
                client.shutdown();
                client = null;
            }
        }
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
