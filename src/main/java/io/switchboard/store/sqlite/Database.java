package io.switchboard.store.sqlite;

import io.switchboard.store.MessageStatus;
import io.switchboard.store.StoreUnavailableException;
import io.switchboard.time.Ticker;
import org.sqlite.SQLiteConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * One SQLite file in WAL mode: the group-commit writer, a few read-only connections (readers never wait for the
 * writer in WAL mode), the clock, and the counts the writer keeps current after each commit.
 */
final class Database implements AutoCloseable {

    static final String FILE_NAME = "switchboard.db";
    private static final int READERS = 3;
    private static final int WRITE_QUEUE = 16_384;

    /** A query on a read connection. */
    interface Read<T> {
        T run(Connection c) throws SQLException;
    }

    final Path file;
    final GroupCommitWriter writer;
    private final java.nio.channels.FileChannel lock;
    final Ticker ticker;
    final long timeoutNanos;
    private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    private final Connection writeConnection;
    private final Map<MessageStatus, AtomicLong> counts = new EnumMap<>(MessageStatus.class);
    private final Map<String, AtomicLong> pendingEvents = new ConcurrentHashMap<>();

    private Database(Path file, java.nio.channels.FileChannel lock, Connection writeConnection, GroupCommitWriter writer,
                     Ticker ticker, long timeoutNanos) {
        this.file = file;
        this.lock = lock;
        this.writeConnection = writeConnection;
        this.writer = writer;
        this.ticker = ticker;
        this.timeoutNanos = timeoutNanos;
        for (MessageStatus s : MessageStatus.values()) {
            counts.put(s, new AtomicLong());
        }
    }

    /**
     * Opens (creating when absent) {@code dir}/switchboard.db, applies migrations and counts what is there.
     *
     * @param fsync whether every commit is flushed to disk ({@code synchronous=FULL}) or left to checkpoints
     */
    static Database open(Path dir, boolean fsync, Ticker ticker, long timeoutNanos, LongConsumer commitObserver)
            throws SQLException, StoreUnavailableException {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new SQLException("cannot create the store directory " + dir + ": " + e.getMessage(), e);
        }
        Path file = dir.resolve(FILE_NAME);
        java.nio.channels.FileChannel lock = lock(dir);
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        SQLiteConfig writeConfig = new SQLiteConfig();
        writeConfig.setJournalMode(SQLiteConfig.JournalMode.WAL);
        writeConfig.setSynchronous(fsync ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        writeConfig.setBusyTimeout(5_000);
        writeConfig.setTempStore(SQLiteConfig.TempStore.MEMORY);
        Connection w;
        try {
            w = DriverManager.getConnection(url, writeConfig.toProperties());
        } catch (SQLException e) {
            release(lock);
            throw e;
        }
        try {
            w.setAutoCommit(false);
            Migrations.apply(w, file.toString());
            GroupCommitWriter writer = new GroupCommitWriter(w, WRITE_QUEUE, "store-writer", commitObserver);
            Database db = new Database(file, lock, w, writer, ticker, timeoutNanos);
            SQLiteConfig readConfig = new SQLiteConfig();
            readConfig.setReadOnly(true);
            readConfig.setBusyTimeout(5_000);
            for (int i = 0; i < READERS; i++) {
                db.readers.add(DriverManager.getConnection(url, readConfig.toProperties()));
            }
            db.recount();
            return db;
        } catch (SQLException | StoreUnavailableException | RuntimeException e) {
            w.close();
            release(lock);
            throw e;
        }
    }

    /**
     * Takes {@code dir/switchboard.lock} for this process: the writer, the counts and recovery all assume that one
     * engine owns the store, so a second engine on the same directory is refused instead of corrupting that.
     */
    private static java.nio.channels.FileChannel lock(Path dir) throws SQLException {
        Path path = dir.resolve("switchboard.lock");
        java.nio.channels.FileChannel channel = null;
        try {
            channel = java.nio.channels.FileChannel.open(path, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE);
            if (channel.tryLock() == null) {
                channel.close();
                throw new SQLException("another engine is using the store in " + dir + " (" + path
                        + " is locked); give each engine its own store.path");
            }
            return channel;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            release(channel);
            throw new SQLException("this process already has the store in " + dir + " open; give each engine its own "
                    + "store.path");
        } catch (java.io.IOException e) {
            release(channel);
            throw new SQLException("cannot lock " + path + ": " + e.getMessage(), e);
        }
    }

    private static void release(java.nio.channels.FileChannel lock) {
        if (lock != null) {
            try {
                lock.close();
            } catch (java.io.IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Runs {@code read} on a free read connection, waiting at most the store's timeout for one. */
    <T> T read(Read<T> read) throws StoreUnavailableException {
        Connection c;
        try {
            c = readers.poll(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for the store");
        }
        if (c == null) {
            throw new StoreUnavailableException("every store read connection is busy");
        }
        try {
            return read.run(c);
        } catch (SQLException e) {
            throw new StoreUnavailableException("store read failed: " + e.getMessage(), e);
        } finally {
            readers.add(c);
        }
    }

    /** Runs {@code op} in the writer's next batch, waiting at most {@code timeoutNanos} for it to be taken. */
    <T> T write(GroupCommitWriter.Op<T> op, long timeoutNanos) throws StoreUnavailableException {
        return writer.execute(op, timeoutNanos);
    }

    <T> T write(GroupCommitWriter.Op<T> op) throws StoreUnavailableException {
        return writer.execute(op, timeoutNanos);
    }

    long now() {
        return ticker.currentTimeMillis();
    }

    AtomicLong count(MessageStatus status) {
        return counts.get(status);
    }

    Map<MessageStatus, Long> counts() {
        Map<MessageStatus, Long> out = new EnumMap<>(MessageStatus.class);
        counts.forEach((s, n) -> out.put(s, n.get()));
        return out;
    }

    AtomicLong pending(String sink) {
        return pendingEvents.computeIfAbsent(sink, k -> new AtomicLong());
    }

    Map<String, Long> pendingEvents() {
        Map<String, Long> out = new java.util.TreeMap<>();
        pendingEvents.forEach((s, n) -> out.put(s, n.get()));
        return out;
    }

    /** Counts messages by status and events by sink afresh. */
    void recount() throws StoreUnavailableException {
        read(c -> {
            counts.values().forEach(n -> n.set(0));
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT status, COUNT(*) FROM messages GROUP BY status")) {
                while (rs.next()) {
                    counts.get(MessageStatus.ofLabel(rs.getString(1))).set(rs.getLong(2));
                }
            }
            pendingEvents.values().forEach(n -> n.set(0));
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT sink, COUNT(*) FROM outbox GROUP BY sink")) {
                while (rs.next()) {
                    pending(rs.getString(1)).set(rs.getLong(2));
                }
            }
            return null;
        });
    }

    @Override
    public void close() {
        writer.close();
        for (Connection c : readers) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        try {
            writeConnection.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
        release(lock);
    }
}
