package io.switchboard.store.sqlite;

import io.switchboard.store.DeadLetterFilter;
import io.switchboard.store.DeadLetterPage;
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

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;

/**
 * The embedded store: one SQLite file ({@code <path>/switchboard.db}) in WAL mode, written by one group-commit
 * writer. With {@code fsync} durability every commit is flushed to disk before any of its callers is answered.
 */
public final class SqliteStore implements Store {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);

    /** What the embedded store is told when it opens. */
    public record Settings(Path dir, boolean fsync, long maxMessages, Duration writeTimeout, long retentionMs,
                           long idempotencyWindowMs) {
    }

    private final Database db;
    private final SqliteQueue queue;
    private final SqliteDeadLetters deadLetters;
    private final SqliteOutbox outbox;

    private SqliteStore(Database db, SqliteQueue queue, SqliteDeadLetters deadLetters, SqliteOutbox outbox) {
        this.db = db;
        this.queue = queue;
        this.deadLetters = deadLetters;
        this.outbox = outbox;
    }

    /**
     * Opens the store, creating the directory and file when absent and migrating an older schema.
     *
     * @param sinks          the event sinks that get a copy of every completion event
     * @param events         renders a settled message as the completion event for a sink, or null when that sink
     *                       does not take it
     * @param commitObserver hears each commit's duration in nanoseconds
     */
    public static SqliteStore open(Settings settings, Ticker ticker, List<String> sinks,
                                   BiFunction<String, StoredMessage, byte[]> events, LongConsumer commitObserver)
            throws StoreUnavailableException {
        Database db;
        try {
            db = Database.open(settings.dir(), settings.fsync(), ticker, settings.writeTimeout().toNanos(),
                    commitObserver);
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot open the store in " + settings.dir() + ": " + e.getMessage(), e);
        }
        SqliteOutbox outbox = new SqliteOutbox(db, sinks, events);
        SqliteQueue queue = new SqliteQueue(db, outbox, settings.maxMessages(), settings.retentionMs(),
                settings.idempotencyWindowMs());
        LOG.atInfo().addKeyValue("event", "store_opened").addKeyValue("file", db.file.toString())
                .addKeyValue("durability", settings.fsync() ? "fsync" : "batch")
                .addKeyValue("queued", db.count(MessageStatus.QUEUED).get())
                .addKeyValue("in_flight", db.count(MessageStatus.IN_FLIGHT).get())
                .addKeyValue("dead_letters", db.count(MessageStatus.DEAD_LETTERED).get()
                        + db.count(MessageStatus.EXPIRED).get())
                .log("store open: {}", db.file);
        return new SqliteStore(db, queue, new SqliteDeadLetters(db), outbox);
    }

    @Override
    public boolean healthy() {
        return db.writer.healthy();
    }

    @Override
    public Submission submit(NewMessage message) {
        return queue.submit(message);
    }

    @Override
    public void rejectOnArrival(NewMessage message, io.switchboard.store.DeadLetterReason reason,
                                io.switchboard.store.AttemptError error) throws StoreUnavailableException {
        queue.rejectOnArrival(message, reason, error);
    }

    @Override
    public List<StoredMessage> claim(String pool, int max) throws StoreUnavailableException {
        return queue.claim(pool, max);
    }

    @Override
    public boolean attemptStarted(String id, int attempt, String worker) {
        return queue.attemptStarted(id, attempt, worker);
    }

    @Override
    public void settle(StoredMessage message, Settlement settlement) throws StoreUnavailableException {
        queue.settle(message, settlement);
    }

    @Override
    public Optional<StoredMessage> find(String id) throws StoreUnavailableException {
        return queue.find(id);
    }

    @Override
    public int recover(UnaryOperator<String> poolOfClass, Set<String> pools) throws StoreUnavailableException {
        return queue.recover(poolOfClass, pools);
    }

    @Override
    public int expireDue() throws StoreUnavailableException {
        return queue.expireDue();
    }

    @Override
    public int prune() throws StoreUnavailableException {
        return queue.prune();
    }

    @Override
    public Map<MessageStatus, Long> counts() {
        return queue.counts();
    }

    @Override
    public DeadLetterPage deadLetters(DeadLetterFilter filter, String cursor, int limit) throws StoreUnavailableException {
        return deadLetters.deadLetters(filter, cursor, limit);
    }

    @Override
    public Optional<StoredMessage> replay(String id) throws StoreUnavailableException {
        return deadLetters.replay(id);
    }

    @Override
    public int replayAll(DeadLetterFilter filter, int max) throws StoreUnavailableException {
        return deadLetters.replayAll(filter, max);
    }

    @Override
    public boolean purge(String id) throws StoreUnavailableException {
        return deadLetters.purge(id);
    }

    @Override
    public int purgeAll(DeadLetterFilter filter, int max) throws StoreUnavailableException {
        return deadLetters.purgeAll(filter, max);
    }

    @Override
    public List<PendingEvent> dueEvents(String sink, int max) throws StoreUnavailableException {
        return outbox.dueEvents(sink, max);
    }

    @Override
    public void removeEvents(List<Long> seqs) throws StoreUnavailableException {
        outbox.removeEvents(seqs);
    }

    @Override
    public void eventFailed(long seq, long nextAt, String error) throws StoreUnavailableException {
        outbox.eventFailed(seq, nextAt, error);
    }

    @Override
    public Map<String, Long> pendingEvents() {
        return outbox.pendingEvents();
    }

    @Override
    public void onNewEvents(Runnable listener) {
        outbox.onNewEvents(listener);
    }

    @Override
    public void close() {
        db.close();
        LOG.atInfo().addKeyValue("event", "store_closed").addKeyValue("file", db.file.toString()).log("store closed");
    }
}
