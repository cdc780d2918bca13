package io.switchboard.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.switchboard.dispatch.Worker;
import io.switchboard.message.Json;
import io.switchboard.redis.RedisLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

/**
 * The engine instances sharing one Redis keep in step through it. A circuit that opens here is announced on the
 * channel {@code <prefix>breakers}, and the other instances open theirs for the same pool and worker; their own
 * open period and half-open probes take over from there. Each worker's concurrency limit is this instance's share of
 * its {@code max_concurrency} among the live instances, recomputed every heartbeat.
 *
 * <p>One thread does everything that talks to Redis: it connects (and reconnects after an outage), beats the
 * membership, applies what peers said and recomputes the shares. While Redis is unreachable the instance keeps its
 * circuits to itself and keeps its last known shares.
 */
public final class RedisCluster implements Cluster {

    private static final Logger LOG = LoggerFactory.getLogger(RedisCluster.class);

    /** The key prefix of a fleet that does not name one. */
    public static final String DEFAULT_PREFIX = "switchboard:";
    /** How often membership is refreshed, connections checked and shares recomputed. */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final String instance;
    private final String channel;
    private final List<Worker> workers;
    private final Map<Key, Worker> byKey = new HashMap<>();
    private final Membership membership;
    private final IntSupplier liveInstances;
    private final Runnable onReconnect;
    private final RedisClient client;
    private final ScheduledExecutorService thread;
    /** Set while this thread opens a circuit a peer announced, so that opening is not announced again. */
    private final ThreadLocal<Boolean> fromPeer = ThreadLocal.withInitial(() -> false);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile StatefulRedisConnection<String, String> commands;
    private volatile StatefulRedisPubSubConnection<String, String> subscription;
    private volatile boolean connected;
    // Touched only by the cluster thread.
    private boolean connectedBefore;
    private boolean outage;
    private int sharedAmong = 1;

    /**
     * Counts live instances with a {@link Membership} of its own.
     *
     * @param prefix      the fleet's key prefix: the membership is {@code <prefix>members}, the channel
     *                    {@code <prefix>breakers}
     * @param instance    this engine's id, unique in the fleet
     * @param workers     every worker of every pool of this engine
     * @param liveness    how long an instance counts as live after its last heartbeat ({@link Membership#LIVENESS})
     * @param onReconnect called each time the connection to Redis is back after an outage
     */
    public RedisCluster(URI redis, String prefix, String instance, List<Worker> workers, Duration liveness,
                        Runnable onReconnect) {
        this(redis, prefix, instance, workers, new Membership(prefix, instance, liveness), null, onReconnect);
    }

    /** As the other constructor, with the live instances counted elsewhere (e.g. by the store's instance registry). */
    public RedisCluster(URI redis, String prefix, String instance, List<Worker> workers, IntSupplier liveInstances,
                        Runnable onReconnect) {
        this(redis, prefix, instance, workers, null, liveInstances, onReconnect);
    }

    private RedisCluster(URI redis, String prefix, String instance, List<Worker> workers, Membership membership,
                         IntSupplier liveInstances, Runnable onReconnect) {
        this.instance = instance;
        this.channel = prefix + "breakers";
        this.workers = List.copyOf(workers);
        this.membership = membership;
        this.liveInstances = membership != null ? membership : liveInstances;
        this.onReconnect = onReconnect;
        for (Worker w : this.workers) {
            byKey.put(new Key(w.pool(), w.id()), w);
            w.breaker().getEventPublisher().onStateTransition(e -> transitioned(w, e));
        }
        // Reconnecting is this class's job, on its heartbeat: it knows when an outage starts and ends.
        this.client = RedisLink.client(redis, TIMEOUT, TIMEOUT);
        this.thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("switchboard-cluster").daemon().factory());
    }

    @Override
    public void start() {
        thread.scheduleWithFixedDelay(this::heartbeat, 0, HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        LOG.atInfo().addKeyValue("event", "cluster_started").addKeyValue("instance", instance)
                .addKeyValue("channel", channel).log("sharing circuits and concurrency as {}", instance);
    }

    @Override
    public int instances() {
        return Math.max(1, liveInstances.getAsInt());
    }

    /** Whether both connections to Redis are up and the breaker channel is subscribed. */
    public boolean connected() {
        return connected;
    }

    private void heartbeat() {
        try {
            RedisCommands<String, String> redis = connect();
            if (membership != null) {
                membership.beat(redis);
            }
            up();
        } catch (RuntimeException e) {
            down(e.getMessage());
            // Opened afresh at the next heartbeat, so every outage ends with a real reconnect.
            drop(subscription);
            drop(commands);
            subscription = null;
            commands = null;
        }
        try {
            share(instances());
        } catch (RuntimeException e) {
            LOG.warn("recomputing concurrency shares failed; keeping the last ones", e);
        }
    }

    /** Both connections, opened again where lost; the breaker channel subscribed. */
    private RedisCommands<String, String> connect() {
        StatefulRedisConnection<String, String> c = commands;
        StatefulRedisPubSubConnection<String, String> s = subscription;
        if ((c != null && !c.isOpen()) || (s != null && !s.isOpen())) {
            down("connection lost");
        }
        if (c == null || !c.isOpen()) {
            drop(c);
            commands = null;
            c = client.connect();
            commands = c;
        }
        if (s == null || !s.isOpen()) {
            drop(s);
            subscription = null;
            s = client.connectPubSub();
            try {
                s.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String ch, String message) {
                        heard(message);
                    }
                });
                s.sync().subscribe(channel);
            } catch (RuntimeException e) {
                drop(s);
                throw e;
            }
            subscription = s;
        }
        return c.sync();
    }

    private void up() {
        if (connected) {
            return;
        }
        connected = true;
        outage = false;
        if (connectedBefore) {
            try {
                onReconnect.run();
            } catch (RuntimeException e) {
                LOG.warn("reconnect metrics failed; ignoring", e);
            }
            LOG.atInfo().addKeyValue("event", "cluster_redis_reconnected").addKeyValue("channel", channel)
                    .log("cluster connected to redis again");
        } else {
            LOG.atInfo().addKeyValue("event", "cluster_redis_connected").addKeyValue("channel", channel)
                    .log("cluster connected to redis");
        }
        connectedBefore = true;
    }

    private void down(String reason) {
        connected = false;
        if (!outage) {
            outage = true;
            LOG.atWarn().addKeyValue("event", "cluster_redis_unavailable").addKeyValue("error", reason)
                    .addKeyValue("instances", sharedAmong)
                    .log("cluster cannot reach redis ({}); circuits stay local and concurrency shares stay as they "
                            + "are until it is back", reason);
        }
    }

    private void share(int instances) {
        if (instances == sharedAmong) {
            return;
        }
        for (Worker w : workers) {
            w.share(instances);
        }
        LOG.atInfo().addKeyValue("event", "cluster_instances_changed").addKeyValue("from", sharedAmong)
                .addKeyValue("instances", instances)
                .log("live instances: {}; each takes its share of every worker's max_concurrency", instances);
        sharedAmong = instances;
    }

    /** A circuit changed here: an opening of its own (not one a peer announced) is announced to the others. */
    private void transitioned(Worker w, CircuitBreakerOnStateTransitionEvent e) {
        try {
            CircuitBreaker.StateTransition t = e.getStateTransition();
            if (t.getToState() != CircuitBreaker.State.OPEN || t.getFromState() == CircuitBreaker.State.OPEN
                    || fromPeer.get()) {
                return;
            }
            StatefulRedisConnection<String, String> c = commands;
            if (closed.get() || c == null || !c.isOpen()) {
                return;
            }
            String message = Json.mapper().createObjectNode()
                    .put("instance", instance).put("pool", w.pool()).put("worker", w.id()).put("state", "open")
                    .put("open_ms", TimeUnit.NANOSECONDS.toMillis(w.openNanos()))
                    .toString();
            // Asynchronous: this runs on the thread that recorded the failure, which must not wait for Redis.
            c.async().publish(channel, message).whenComplete((n, err) -> {
                if (err != null) {
                    LOG.debug("announcing the opening of {} failed: {}", w.id(), err.getMessage());
                }
            });
        } catch (RuntimeException ex) {
            LOG.warn("announcing a circuit opening failed; ignoring", ex);
        }
    }

    /** On a Redis thread: hands the message to the cluster thread, which may take time over it. */
    private void heard(String message) {
        if (closed.get()) {
            return;
        }
        try {
            thread.execute(() -> apply(message));
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** Opens the circuit a peer announced, when this instance has that worker and its circuit is not open yet. */
    private void apply(String message) {
        JsonNode m;
        try {
            m = Json.mapper().readTree(message);
        } catch (IOException e) {
            m = null;
        }
        if (m == null || !m.isObject()) {
            LOG.atWarn().addKeyValue("event", "cluster_message_ignored").addKeyValue("channel", channel)
                    .log("ignoring a message on {} that is not a JSON object", channel);
            return;
        }
        String peer = m.path("instance").asText("");
        if (peer.equals(instance) || !"open".equals(m.path("state").asText())) {
            return;
        }
        Worker w = byKey.get(new Key(m.path("pool").asText(""), m.path("worker").asText("")));
        if (w == null) {
            return;
        }
        CircuitBreaker.State state = w.breaker().getState();
        // Already open here (its own period runs), or held in a state an operator chose: left alone.
        if (state != CircuitBreaker.State.CLOSED && state != CircuitBreaker.State.HALF_OPEN) {
            return;
        }
        fromPeer.set(true);
        try {
            w.breaker().transitionToOpenState();
        } catch (RuntimeException e) {
            LOG.warn("opening the circuit of {} as {} said failed; ignoring", w.id(), peer, e);
            return;
        } finally {
            fromPeer.set(false);
        }
        LOG.atInfo().addKeyValue("event", "circuit_opened_by_peer").addKeyValue("pool", w.pool())
                .addKeyValue("worker", w.id()).addKeyValue("peer", peer)
                .addKeyValue("peer_open_ms", m.path("open_ms").asLong())
                .log("circuit open for worker {}: instance {} saw it fail", w.id(), peer);
    }

    /** Leaves the fleet (so the others grow their shares at once) and closes the connections. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        thread.shutdown();
        try {
            if (!thread.awaitTermination(TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
        StatefulRedisConnection<String, String> c = commands;
        if (membership != null && c != null && c.isOpen()) {
            try {
                membership.leave(c.sync());
            } catch (RuntimeException e) {
                LOG.debug("leaving the membership failed; the others will time this instance out", e);
            }
        }
        // Closed before the client shuts down (which would otherwise close them a second time, with a WARN each).
        for (StatefulConnection<?, ?> open : new StatefulConnection<?, ?>[] {subscription, c}) {
            if (open != null) {
                open.close();
            }
        }
        connected = false;
        client.shutdown(Duration.ZERO, TIMEOUT);
    }

    private static void drop(StatefulConnection<?, ?> c) {
        if (c != null) {
            c.closeAsync();
        }
    }

    private record Key(String pool, String worker) {
    }
}
