package io.switchboard.store.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.sync.RedisCommands;
import io.switchboard.redis.RedisLink;
import io.switchboard.store.AttemptError;
import io.switchboard.store.DeadLetterFilter;
import io.switchboard.store.DeadLetterPage;
import io.switchboard.store.DeadLetterReason;
import io.switchboard.store.MessageStatus;
import io.switchboard.store.NewMessage;
import io.switchboard.store.Settlement;
import io.switchboard.store.Store;
import io.switchboard.store.StoreUnavailableException;
import io.switchboard.store.StoredMessage;
import io.switchboard.store.Submission;
import io.switchboard.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;

/**
 * The shared store: every message, dead letter, idempotency key and pending event lives in one Redis, so any number
 * of engines on it share the work. Each change is one Lua script, so it is atomic; a message is in flight at one
 * engine at a time (its {@code owner}), and an engine not heard from for {@code instance_timeout_ms} is taken for dead:
 * the first engine to notice queues its in-flight messages again, attempts kept. What is durable is what Redis makes
 * durable: with {@code appendfsync always} an accepted message survives a crash of Redis too.
 */
public final class RedisStore implements Store {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);
    private static final long HEARTBEAT_MILLIS = 1_000;
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    private static final int BATCH = 1_000;
    private static final int SCAN_PAGE = 200;

    /**
     * What the Redis store is told when it opens.
     *
     * @param prefix          put before every key (e.g. {@code switchboard:}); engines sharing work share it
     * @param engineId        this engine's name among those sharing the store; unique while it runs
     * @param engineTimeoutMs an engine not heard from for this long is taken for dead
     */
    public record Settings(URI url, String prefix, String engineId, long maxMessages, Duration writeTimeout,
                           long retentionMs, long idempotencyWindowMs, long engineTimeoutMs) {
    }

    private final Settings settings;
    private final String prefix;
    private final String engine;
    private final Ticker ticker;
    private final List<String> sinks;
    private final BiFunction<String, StoredMessage, byte[]> events;
    private final LongConsumer commitObserver;
    private final Runnable reconnected;
    private final RedisLink link;
    private final ReentrantLock connecting = new ReentrantLock();
    /** Held while claiming and while sweeping, so a sweep never sees a claimed message before {@link #held} does. */
    private final ReentrantLock claiming = new ReentrantLock();
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final List<Runnable> eventListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("redis-store").daemon().factory());
    private final AtomicLong reconnects = new AtomicLong();
    private volatile boolean healthy;
    private volatile boolean needsSweep = true;
    private volatile long nextConnectAt;
    private volatile long reapNotBefore;
    private volatile long backoff = 100;
    private volatile long lastFailureLog;
    private volatile Map<MessageStatus, Long> counts = emptyCounts();
    /** Set by this engine's changes; the counts are read from Redis again only then or at the next beat. */
    private volatile boolean countsStale = true;
    private volatile Map<String, Long> pending = Map.of();
    private volatile UnaryOperator<String> poolOfClass;
    private volatile Set<String> pools;
    private volatile int liveEngines = 1;

    private RedisStore(Settings settings, Ticker ticker, List<String> sinks,
                       BiFunction<String, StoredMessage, byte[]> events, LongConsumer commitObserver,
                       Runnable reconnected) {
        this.settings = settings;
        this.prefix = settings.prefix();
        this.engine = settings.engineId();
        this.ticker = ticker;
        this.sinks = List.copyOf(sinks);
        this.events = events;
        this.commitObserver = commitObserver;
        this.reconnected = reconnected;
        this.link = new RedisLink(settings.url(), settings.writeTimeout(), settings.writeTimeout(), this::connected);
    }

    /**
     * Opens the store. Redis need not answer yet: until it does, submissions are refused, and the engine's share of
     * recovery runs once it connects.
     *
     * @param sinks          the event sinks that get a copy of every completion event
     * @param events         renders a settled message as the completion event for a sink, or null when that sink
     *                       does not take it
     * @param commitObserver hears each write's duration in nanoseconds
     * @param reconnected    told of every reconnect after the first connection
     */
    public static RedisStore open(Settings settings, Ticker ticker, List<String> sinks,
                                  BiFunction<String, StoredMessage, byte[]> events, LongConsumer commitObserver,
                                  Runnable reconnected) {
        RedisStore store = new RedisStore(settings, ticker, sinks, events, commitObserver, reconnected);
        try {
            store.heartbeat(store.redis());
        } catch (StoreUnavailableException | RedisException e) {
            // Logged by redis(); the housekeeping below keeps trying.
        }
        store.housekeeping.scheduleWithFixedDelay(store::housekeep, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS,
                TimeUnit.MILLISECONDS);
        LOG.atInfo().addKeyValue("event", "store_opened").addKeyValue("url", redacted(settings.url()))
                .addKeyValue("prefix", settings.prefix()).addKeyValue("engine", settings.engineId())
                .log("store open: redis at {}, keys {}*, engine {}", redacted(settings.url()), settings.prefix(),
                        settings.engineId());
        return store;
    }

    private static String redacted(URI url) {
        return url.getHost() + ":" + (url.getPort() < 0 ? 6379 : url.getPort());
    }

    private static Map<MessageStatus, Long> emptyCounts() {
        Map<MessageStatus, Long> m = new EnumMap<>(MessageStatus.class);
        for (MessageStatus s : MessageStatus.values()) {
            m.put(s, 0L);
        }
        return m;
    }

    // ----------------------------------------------------------------------------------------------- connection

    /** The connection, made on first use and again after it is lost (not more often than a growing backoff). */
    private RedisCommands<String, String> redis() throws StoreUnavailableException {
        if (link.connected()) {
            return link.commands();
        }
        connecting.lock();
        try {
            long now = System.currentTimeMillis();
            if (!link.connected() && now < nextConnectAt) {
                throw new StoreUnavailableException("redis at " + redacted(settings.url()) + " is unreachable; "
                        + "trying again in " + (nextConnectAt - now) + " ms");
            }
            try {
                return link.commands();
            } catch (RedisException e) {
                nextConnectAt = now + backoff;
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                failed(e);
                throw new StoreUnavailableException("redis at " + redacted(settings.url()) + " is unreachable: "
                        + e.getMessage(), e);
            }
        } finally {
            connecting.unlock();
        }
    }

    /** A new connection (the first, or one after a loss): the sweep and the reaping wait are due again. */
    private void connected(boolean again) {
        backoff = 100;
        healthy = true;
        needsSweep = true;
        // Everyone's heartbeats may have lapsed while Redis was away: give them time to beat before reaping.
        reapNotBefore = ticker.currentTimeMillis() + settings.engineTimeoutMs();
        if (again) {
            reconnects.incrementAndGet();
            reconnected.run();
        }
        LOG.atInfo().addKeyValue("event", again ? "store_reconnected" : "store_connected")
                .addKeyValue("url", redacted(settings.url())).addKeyValue("reconnects", reconnects.get())
                .log("store {} redis at {}", again ? "reconnected to" : "connected to", redacted(settings.url()));
    }

    /** Marks the store failing after {@code e}, logging at most every ten seconds. */
    private void failed(RuntimeException e) {
        healthy = false;
        long now = System.nanoTime();
        if (lastFailureLog == 0 || now - lastFailureLog > TimeUnit.SECONDS.toNanos(10)) {
            lastFailureLog = now;
            LOG.atWarn().addKeyValue("event", "store_unavailable").addKeyValue("url", redacted(settings.url()))
                    .log("store: redis at {} is failing: {}", redacted(settings.url()), e.getMessage());
        }
    }

    private interface Op<T> {
        T run(RedisCommands<String, String> redis);
    }

    /** Runs {@code op}, turning a Redis failure into {@link StoreUnavailableException}. */
    private <T> T call(Op<T> op) throws StoreUnavailableException {
        RedisCommands<String, String> redis = redis();
        try {
            T out = op.run(redis);
            healthy = true;
            return out;
        } catch (RedisException e) {
            link.failed(redis, e);
            failed(e);
            throw new StoreUnavailableException("redis at " + redacted(settings.url()) + ": " + e.getMessage(), e);
        }
    }

    /** Like {@link #call}, reporting the duration to the commit observer. */
    private <T> T write(Op<T> op) throws StoreUnavailableException {
        long started = System.nanoTime();
        countsStale = true;
        try {
            return call(op);
        } finally {
            commitObserver.accept(System.nanoTime() - started);
        }
    }

    private List<String> args(String... first) {
        List<String> a = new ArrayList<>(first.length + 32);
        a.add(prefix);
        a.addAll(List.of(first));
        return a;
    }

    // ------------------------------------------------------------------------------------------------ messages

    @Override
    public boolean healthy() {
        return healthy;
    }

    /** How many reconnects there were since the store opened. */
    public long reconnects() {
        return reconnects.get();
    }

    @Override
    public Submission submit(NewMessage m) {
        String key = m.envelope().idempotencyKey();
        StoredMessage queued = new StoredMessage(m.id(), m.requestId(), m.envelope(), m.className(), m.priority(),
                m.pool(), MessageStatus.QUEUED, 0, 0, m.ttlMs(), m.acceptedAt(), m.acceptedAt(), m.deadlineAt(),
                m.acceptedAt(), 0, null, List.of(), null, null, key);
        List<String> a = args(m.id(), Long.toString(m.acceptedAt()), Long.toString(settings.maxMessages()),
                key == null ? "" : key, Long.toString(settings.idempotencyWindowMs()), m.pool(),
                Integer.toString(m.priority().ordinal()), Long.toString(m.deadlineAt()));
        a.addAll(MessageHash.all(queued));
        List<Object> reply;
        try {
            reply = write(r -> Scripts.SUBMIT.list(r, a));
        } catch (StoreUnavailableException e) {
            return new Submission.Refused(e.getMessage(), 1);
        }
        return switch (String.valueOf(reply.get(0))) {
            case "accepted" -> new Submission.Accepted(queued);
            case "duplicate" -> new Submission.Duplicate(MessageHash.decode((List<?>) reply.get(1)));
            default -> new Submission.Refused("the store holds store.max_messages (" + settings.maxMessages()
                    + ") queued or in-flight messages", 5);
        };
    }

    @Override
    public void rejectOnArrival(NewMessage m, DeadLetterReason reason, AttemptError error)
            throws StoreUnavailableException {
        StoredMessage dead = new StoredMessage(m.id(), m.requestId(), m.envelope(), m.className(), m.priority(),
                m.pool(), MessageStatus.DEAD_LETTERED, 0, 0, m.ttlMs(), m.acceptedAt(), m.acceptedAt(), m.deadlineAt(),
                m.acceptedAt(), m.acceptedAt(), null, List.of(error), null, reason, null);
        List<String> a = args(m.id(), Long.toString(m.acceptedAt()));
        int n = addEvents(a, dead);
        a.addAll(MessageHash.all(dead));
        write(r -> Scripts.REJECT.number(r, a));
        newEvents(n);
    }

    /** Appends the completion events of {@code settled} (a count, then sink and payload pairs); returns the count. */
    private int addEvents(List<String> a, StoredMessage settled) {
        List<String> pairs = new ArrayList<>();
        for (String sink : sinks) {
            byte[] event = events.apply(sink, settled);
            if (event != null) {
                pairs.add(sink);
                pairs.add(new String(event, StandardCharsets.UTF_8));
            }
        }
        a.add(Integer.toString(pairs.size() / 2));
        a.addAll(pairs);
        return pairs.size() / 2;
    }

    private void newEvents(int n) {
        if (n > 0) {
            eventListeners.forEach(Runnable::run);
        }
    }

    @Override
    public List<StoredMessage> claim(String pool, int max) throws StoreUnavailableException {
        if (max <= 0) {
            return List.of();
        }
        long now = ticker.currentTimeMillis();
        claiming.lock();
        try {
            countsStale = true;
            List<Object> reply = call(r -> Scripts.CLAIM.list(r, args(pool, Long.toString(now),
                    Integer.toString(max), engine)));
            List<StoredMessage> out = messages(reply);
            out.forEach(m -> held.add(m.id()));
            out.sort(Comparator.comparing(StoredMessage::priority).thenComparing(StoredMessage::acceptedAt));
            return out;
        } finally {
            claiming.unlock();
        }
    }

    private static List<StoredMessage> messages(List<Object> reply) {
        List<StoredMessage> out = new ArrayList<>(reply.size());
        for (Object hash : reply) {
            out.add(MessageHash.decode((List<?>) hash));
        }
        return out;
    }

    @Override
    public boolean attemptStarted(String id, int attempt, String worker) {
        try {
            return write(r -> Scripts.ATTEMPT.number(r, args(id, Integer.toString(attempt), worker,
                    Long.toString(ticker.currentTimeMillis()), engine))) == 1;
        } catch (StoreUnavailableException e) {
            return false;
        }
    }

    @Override
    public void settle(StoredMessage m, Settlement s) throws StoreUnavailableException {
        long now = ticker.currentTimeMillis();
        StoredMessage after = s.applyTo(m, now);
        List<String> a = args(m.id(), engine, Long.toString(now), after.status().label(), after.pool(),
                Long.toString(after.notBefore()), Long.toString(after.finishedAt()));
        int n;
        if (after.status() == MessageStatus.QUEUED) {
            a.add("0");
            n = 0;
        } else {
            n = addEvents(a, after);
        }
        a.addAll(MessageHash.outcome(after));
        long done = write(r -> Scripts.SETTLE.number(r, a));
        held.remove(m.id());
        if (done == 1) {
            newEvents(n);
        } else {
            LOG.atWarn().addKeyValue("event", "settle_superseded").addKeyValue("outcome", after.status().label())
                    .log("{} was taken back from this engine while it was delivering it; this outcome is not "
                            + "recorded", m.id());
        }
    }

    @Override
    public void abandon(StoredMessage m) {
        // The next sweep queues it again, once Redis answers.
        held.remove(m.id());
        needsSweep = true;
    }

    @Override
    public Optional<StoredMessage> find(String id) throws StoreUnavailableException {
        Map<String, String> h = call(r -> r.hgetall(prefix + "m:" + id));
        return h.isEmpty() ? Optional.empty() : Optional.of(MessageHash.decode(flat(h)));
    }

    private static List<String> flat(Map<String, String> h) {
        List<String> out = new ArrayList<>(h.size() * 2);
        h.forEach((k, v) -> {
            out.add(k);
            out.add(v);
        });
        return out;
    }

    @Override
    public int recover(UnaryOperator<String> poolOfClass, Set<String> pools) throws StoreUnavailableException {
        this.poolOfClass = poolOfClass;
        this.pools = Set.copyOf(pools);
        try {
            return sweep() + movePools();
        } catch (StoreUnavailableException e) {
            // Not reachable yet: the housekeeping sweeps once it is, and the pools are moved then.
            return 0;
        }
    }

    /** Queues again this engine's in-flight messages that it is not delivering; returns how many. */
    private int sweep() throws StoreUnavailableException {
        claiming.lock();
        try {
            needsSweep = false;
            List<String> a = args(Long.toString(ticker.currentTimeMillis()), engine);
            a.addAll(held);
            int n = write(r -> Scripts.SWEEP.number(r, a)).intValue();
            if (n > 0) {
                LOG.atInfo().addKeyValue("event", "store_requeued").addKeyValue("count", n)
                        .log("{} messages this engine left in flight are queued again", n);
            }
            return n;
        } catch (StoreUnavailableException e) {
            needsSweep = true;
            throw e;
        } finally {
            claiming.unlock();
        }
    }

    /** Moves queued messages of pools this engine does not have to the pool their class routes to. */
    private int movePools() throws StoreUnavailableException {
        UnaryOperator<String> route = poolOfClass;
        Set<String> known = pools;
        if (route == null) {
            return 0;
        }
        for (String pool : call(r -> r.smembers(prefix + "pools"))) {
            if (known.contains(pool)) {
                continue;
            }
            List<String> ids = new ArrayList<>(call(r -> r.zrange(prefix + "q:" + pool, 0, -1)));
            ids.addAll(call(r -> r.zrange(prefix + "d:" + pool, 0, -1)));
            int moved = 0;
            for (String id : ids) {
                String className = call(r -> r.hget(prefix + "m:" + id, "class"));
                if (className != null) {
                    String to = route.apply(className);
                    moved += write(r -> Scripts.MOVE.number(r, args(id, pool, to))).intValue();
                }
            }
            if (moved > 0) {
                LOG.atInfo().addKeyValue("event", "store_pool_moved").addKeyValue("pool", pool)
                        .addKeyValue("count", moved)
                        .log("{} queued messages of pool {}, which this engine does not have, moved", moved, pool);
            }
            call(r -> r.srem(prefix + "pools", pool));
        }
        this.poolOfClass = null;
        return 0;
    }

    @Override
    public int expireDue() throws StoreUnavailableException {
        int total = 0;
        int n;
        do {
            long now = ticker.currentTimeMillis();
            List<StoredMessage> expired;
            claiming.lock();
            try {
                expired = messages(write(r -> Scripts.EXPIRE.list(r, args(Long.toString(now),
                        Integer.toString(BATCH), engine))));
                expired.forEach(m -> held.add(m.id()));
            } finally {
                claiming.unlock();
            }
            for (StoredMessage m : expired) {
                try {
                    settle(m, new Settlement.DeadLettered(DeadLetterReason.EXPIRED, m.pool(), m.worker(),
                            m.attempts(), m.errors()));
                } catch (StoreUnavailableException e) {
                    abandon(m);
                    throw e;
                }
            }
            n = expired.size();
            total += n;
        } while (n == BATCH);
        return total;
    }

    @Override
    public int prune() throws StoreUnavailableException {
        long cutoff = ticker.currentTimeMillis() - settings.retentionMs();
        int total = 0;
        long n;
        do {
            n = write(r -> Scripts.PRUNE.number(r, args(Long.toString(cutoff), Integer.toString(BATCH))));
            total += (int) n;
        } while (n == BATCH);
        // Idempotency keys expire by themselves (PX).
        return total;
    }

    /**
     * As counted in Redis after this engine's last change, or at the last beat (every second, for the others'
     * changes); as last counted while Redis does not answer.
     */
    @Override
    public Map<MessageStatus, Long> counts() {
        refreshWhileHealthy();
        return counts;
    }

    private void refreshWhileHealthy() {
        if (healthy && countsStale) {
            try {
                refreshCounts();
            } catch (StoreUnavailableException e) {
                // The last count stands, and is read again next time.
                countsStale = true;
            }
        }
    }

    // --------------------------------------------------------------------------------------------- dead letters

    private static boolean matches(DeadLetterFilter f, StoredMessage m) {
        return (f.className() == null || f.className().equals(m.className()))
                && (f.pool() == null || f.pool().equals(m.pool()))
                && (f.reason() == null || f.reason() == m.deadReason());
    }

    /** One page of the dead-letter index, newest first ({@code descending}) or oldest first, after {@code from}. */
    private List<ScoredValue<String>> deadIndex(double from, boolean descending) throws StoreUnavailableException {
        String key = prefix + "dead";
        Limit limit = Limit.create(0, SCAN_PAGE);
        if (descending) {
            Range<Double> r = Range.from(Range.Boundary.unbounded(), Double.isInfinite(from)
                    ? Range.Boundary.unbounded() : Range.Boundary.excluding(from));
            return call(c -> c.zrevrangebyscoreWithScores(key, r, limit));
        }
        Range<Double> r = Range.from(Double.isInfinite(from) ? Range.Boundary.unbounded()
                : Range.Boundary.excluding(from), Range.Boundary.unbounded());
        return call(c -> c.zrangebyscoreWithScores(key, r, limit));
    }

    @Override
    public DeadLetterPage deadLetters(DeadLetterFilter filter, String cursor, int limit) throws StoreUnavailableException {
        double before;
        try {
            before = cursor == null ? Double.POSITIVE_INFINITY : Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cursor '" + cursor + "' is not one this engine handed out");
        }
        List<StoredMessage> items = new ArrayList<>();
        long lastSeq = 0;
        while (true) {
            List<ScoredValue<String>> page = deadIndex(before, true);
            for (ScoredValue<String> v : page) {
                Optional<StoredMessage> m = find(v.getValue());
                if (m.isPresent() && m.get().status().isDeadLetter() && matches(filter, m.get())) {
                    if (items.size() == limit) {
                        return new DeadLetterPage(items, Long.toString(lastSeq));
                    }
                    items.add(m.get());
                    lastSeq = (long) v.getScore();
                }
                before = v.getScore();
            }
            if (page.size() < SCAN_PAGE) {
                return new DeadLetterPage(items, null);
            }
        }
    }

    /** Up to {@code max} ids of dead letters matching {@code filter}, oldest first. */
    private List<String> matching(DeadLetterFilter filter, int max) throws StoreUnavailableException {
        List<String> out = new ArrayList<>();
        double after = Double.NEGATIVE_INFINITY;
        while (out.size() < max) {
            List<ScoredValue<String>> page = deadIndex(after, false);
            for (ScoredValue<String> v : page) {
                Optional<StoredMessage> m = find(v.getValue());
                if (m.isPresent() && matches(filter, m.get()) && out.size() < max) {
                    out.add(v.getValue());
                }
                after = v.getScore();
            }
            if (page.size() < SCAN_PAGE) {
                break;
            }
        }
        return out;
    }

    @Override
    public Optional<StoredMessage> replay(String id) throws StoreUnavailableException {
        List<Object> h = write(r -> Scripts.REPLAY.list(r, args(id, Long.toString(ticker.currentTimeMillis()))));
        return h.isEmpty() ? Optional.empty() : Optional.of(MessageHash.decode(h));
    }

    @Override
    public int replayAll(DeadLetterFilter filter, int max) throws StoreUnavailableException {
        int n = 0;
        for (String id : matching(filter, max)) {
            if (replay(id).isPresent()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public boolean purge(String id) throws StoreUnavailableException {
        return write(r -> Scripts.PURGE.number(r, args(id))) == 1;
    }

    @Override
    public int purgeAll(DeadLetterFilter filter, int max) throws StoreUnavailableException {
        int n = 0;
        for (String id : matching(filter, max)) {
            if (purge(id)) {
                n++;
            }
        }
        return n;
    }

    // -------------------------------------------------------------------------------------------------- outbox

    @Override
    public List<PendingEvent> dueEvents(String sink, int max) throws StoreUnavailableException {
        long now = ticker.currentTimeMillis();
        List<Object> reply = call(r -> Scripts.EVENTS_DUE.list(r, args(sink, Long.toString(now),
                Integer.toString(max), engine, Long.toString(settings.engineTimeoutMs()))));
        List<PendingEvent> out = new ArrayList<>(reply.size());
        for (Object o : reply) {
            List<?> e = (List<?>) o;
            out.add(new PendingEvent(Long.parseLong(String.valueOf(e.get(0))), sink,
                    String.valueOf(e.get(1)).getBytes(StandardCharsets.UTF_8), Integer.parseInt(String.valueOf(e.get(2))),
                    Long.parseLong(String.valueOf(e.get(3)))));
        }
        return out;
    }

    @Override
    public void removeEvents(List<Long> seqs) throws StoreUnavailableException {
        if (seqs.isEmpty()) {
            return;
        }
        List<String> a = args();
        seqs.forEach(s -> a.add(Long.toString(s)));
        write(r -> Scripts.EVENTS_REMOVE.number(r, a));
    }

    @Override
    public void eventFailed(long seq, long nextAt, String error) throws StoreUnavailableException {
        write(r -> Scripts.EVENTS_FAILED.number(r, args(Long.toString(seq), Long.toString(nextAt),
                error == null ? "" : error)));
    }

    /** Counted with {@link #counts()}. */
    @Override
    public Map<String, Long> pendingEvents() {
        refreshWhileHealthy();
        return pending;
    }

    @Override
    public void onNewEvents(Runnable listener) {
        eventListeners.add(listener);
    }

    // -------------------------------------------------------------------------------------------- housekeeping

    /** Engines sharing this store, this one included, as last counted (1 while Redis does not answer). */
    public int liveEngines() {
        return Math.max(1, liveEngines);
    }

    private void heartbeat(RedisCommands<String, String> redis) {
        long now = ticker.currentTimeMillis();
        redis.zadd(prefix + "engines", now, engine);
        liveEngines = (int) (long) redis.zcount(prefix + "engines",
                Range.create(now - settings.engineTimeoutMs(), Double.POSITIVE_INFINITY));
    }

    /** Every second: the heartbeat, this engine's sweep when due, dead engines' messages, and the counts. */
    private void housekeep() {
        try {
            call(r -> {
                heartbeat(r);
                return null;
            });
            if (needsSweep) {
                sweep();
                movePools();
            }
            long now = ticker.currentTimeMillis();
            if (now >= reapNotBefore) {
                reap(now);
            }
            refreshCounts();
        } catch (StoreUnavailableException e) {
            // Logged where it failed; tried again at the next beat.
        } catch (RuntimeException e) {
            LOG.warn("store housekeeping failed", e);
        }
    }

    private void reap(long now) throws StoreUnavailableException {
        List<Object> reply = write(r -> Scripts.REAP.list(r, args(Long.toString(now),
                Long.toString(now - settings.engineTimeoutMs()), engine)));
        if (reply.size() > 1) {
            List<String> dead = new ArrayList<>();
            for (int i = 1; i < reply.size(); i++) {
                dead.add(String.valueOf(reply.get(i)));
            }
            long requeued = ((Number) reply.get(0)).longValue();
            LOG.atWarn().addKeyValue("event", "engines_reaped").addKeyValue("engines", dead)
                    .addKeyValue("requeued", requeued)
                    .log("engines {} stopped beating; their {} in-flight messages are queued again", dead, requeued);
        }
    }

    private void refreshCounts() throws StoreUnavailableException {
        // Cleared first: a change made while this reads marks the counts stale again.
        countsStale = false;
        Map<String, String> raw = call(r -> r.hgetall(prefix + "counts"));
        Map<MessageStatus, Long> c = emptyCounts();
        raw.forEach((k, v) -> {
            try {
                c.put(MessageStatus.ofLabel(k), Math.max(0, Long.parseLong(v)));
            } catch (IllegalArgumentException e) {
                // Not a status this engine knows (a newer engine's): not shown.
            }
        });
        counts = c;
        Map<String, Long> p = new LinkedHashMap<>();
        for (String sink : sinks) {
            p.put(sink, call(r -> r.zcard(prefix + "ev:" + sink)));
        }
        pending = p;
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
        // Deliveries have stopped by now: what this engine still has in flight is queued again at once, so the
        // others need not wait out the timeout for it.
        held.clear();
        try {
            sweep();
            call(r -> r.zrem(prefix + "engines", engine));
        } catch (StoreUnavailableException e) {
            LOG.warn("store: could not hand back this engine's in-flight messages ({}); another engine takes them "
                    + "up after store.instance_timeout_ms", e.getMessage());
        }
        link.close();
        LOG.atInfo().addKeyValue("event", "store_closed").log("store closed");
    }
}
