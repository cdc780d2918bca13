package io.switchboard.store.sqlite;

import io.switchboard.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * The one thread that writes to the database. Writers from every producer queue up here and are committed together:
 * one transaction (and one fsync) for everything that arrived while the previous commit was on its way to disk, so
 * throughput grows with load while each caller still returns only after its own write is durable (group commit).
 *
 * <p>Each operation runs inside a savepoint, so one that fails is undone alone and the rest of its batch commits.
 * A caller that gives up before its operation was taken cancels it; once taken, the caller waits for the commit.
 */
final class GroupCommitWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    /** Operations per transaction at most, so one commit never holds the lock for long. */
    static final int MAX_BATCH = 512;
    /** How long a caller whose operation was already taken waits for its commit. */
    private static final long COMMIT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** One unit of work, run on the writer thread inside the batch's transaction. */
    interface Op<T> {
        T run(Tx tx) throws SQLException;
    }

    /** What an operation sees: the connection, cached statements, and actions to run once the batch committed. */
    static final class Tx {
        private final Connection connection;
        private final Map<String, PreparedStatement> statements;
        private List<Runnable> afterCommit;

        Tx(Connection connection, Map<String, PreparedStatement> statements) {
            this.connection = connection;
            this.statements = statements;
        }

        /** A prepared statement for {@code sql}, prepared once per writer; parameters are cleared. */
        PreparedStatement prepare(String sql) throws SQLException {
            PreparedStatement ps = statements.get(sql);
            if (ps == null) {
                ps = connection.prepareStatement(sql);
                statements.put(sql, ps);
            } else {
                ps.clearParameters();
            }
            return ps;
        }

        /** Runs {@code action} after the transaction committed (never when it failed). */
        void afterCommit(Runnable action) {
            if (afterCommit == null) {
                afterCommit = new ArrayList<>(2);
            }
            afterCommit.add(action);
        }
    }

    private static final int PENDING = 0;
    private static final int TAKEN = 1;
    private static final int CANCELLED = 2;

    private static final class Task<T> {
        final Op<T> op;
        final CompletableFuture<T> done = new CompletableFuture<>();
        final AtomicInteger state = new AtomicInteger(PENDING);
        T result;
        SQLException error;
        List<Runnable> afterCommit;

        Task(Op<T> op) {
            this.op = op;
        }
    }

    private final Connection connection;
    private final BlockingQueue<Task<?>> queue;
    private final Thread thread;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final LongConsumer commitObserver;
    private volatile boolean running = true;
    private volatile boolean healthy = true;

    /**
     * @param commitObserver hears each commit's duration in nanoseconds (cheap, non-blocking)
     */
    GroupCommitWriter(Connection connection, int capacity, String name, LongConsumer commitObserver) throws SQLException {
        this.connection = connection;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.commitObserver = commitObserver;
        connection.setAutoCommit(false);
        this.thread = Thread.ofPlatform().name(name).daemon().start(this::loop);
    }

    /** Whether the last commit succeeded. */
    boolean healthy() {
        return healthy;
    }

    /** Operations waiting for the writer. */
    int backlog() {
        return queue.size();
    }

    /**
     * Runs {@code op} in the next batch and returns its result once committed. Waits at most {@code timeoutNanos} for
     * the writer to take it (then it is cancelled and never runs); once taken, waits for its commit.
     */
    <T> T execute(Op<T> op, long timeoutNanos) throws StoreUnavailableException {
        if (!running) {
            throw new StoreUnavailableException("the store is closed");
        }
        long deadline = System.nanoTime() + timeoutNanos;
        Task<T> task = new Task<>(op);
        try {
            if (!queue.offer(task, timeoutNanos, TimeUnit.NANOSECONDS)) {
                throw new StoreUnavailableException("the store's write queue is full (" + queue.size() + " waiting)");
            }
            try {
                return task.done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (task.state.compareAndSet(PENDING, CANCELLED)) {
                    throw new StoreUnavailableException("the store did not write within "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
                }
                return task.done.get(COMMIT_GRACE_NANOS, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.state.compareAndSet(PENDING, CANCELLED);
            throw new StoreUnavailableException("interrupted while waiting for the store");
        } catch (ExecutionException e) {
            throw new StoreUnavailableException("store write failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new StoreUnavailableException("the store's commit did not finish in time");
        }
    }

    private void loop() {
        List<Task<?>> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Task<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                runBatch(batch);
            } catch (InterruptedException e) {
                // close() interrupts only to cut the poll short; the loop ends once the queue is empty.
            } catch (RuntimeException e) {
                LOG.error("store writer failed a batch unexpectedly", e);
                for (Task<?> t : batch) {
                    t.done.completeExceptionally(e);
                }
            } finally {
                batch.clear();
            }
        }
    }

    private void runBatch(List<Task<?>> batch) {
        Tx tx = new Tx(connection, statements);
        int ran = 0;
        for (Task<?> t : batch) {
            if (t.state.compareAndSet(PENDING, TAKEN)) {
                run(tx, t);
                ran++;
            }
        }
        if (ran == 0) {
            return;
        }
        long started = System.nanoTime();
        try {
            connection.commit();
            healthy = true;
        } catch (SQLException e) {
            healthy = false;
            LOG.atError().addKeyValue("event", "store_commit_failed").addKeyValue("operations", ran)
                    .setCause(e).log("store commit failed; {} writes refused", ran);
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            for (Task<?> t : batch) {
                if (t.state.get() == TAKEN) {
                    t.done.completeExceptionally(e);
                }
            }
            return;
        }
        commitObserver.accept(System.nanoTime() - started);
        for (Task<?> t : batch) {
            if (t.state.get() == TAKEN) {
                complete(t);
            }
        }
    }

    private static <T> void run(Tx tx, Task<T> t) {
        tx.afterCommit = null;
        Savepoint sp = null;
        try {
            sp = tx.connection.setSavepoint();
            t.result = t.op.run(tx);
            tx.connection.releaseSavepoint(sp);
            t.afterCommit = tx.afterCommit;
        } catch (SQLException e) {
            t.error = e;
            if (sp != null) {
                try {
                    tx.connection.rollback(sp);
                    tx.connection.releaseSavepoint(sp);
                } catch (SQLException undo) {
                    e.addSuppressed(undo);
                }
            }
        }
    }

    private static <T> void complete(Task<T> t) {
        if (t.error != null) {
            t.done.completeExceptionally(t.error);
            return;
        }
        if (t.afterCommit != null) {
            for (Runnable r : t.afterCommit) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("store after-commit action failed", e);
                }
            }
        }
        t.done.complete(t.result);
    }

    /** Writes what is queued, then stops; waits at most {@code timeoutMillis}. */
    @Override
    public void close() {
        close(5_000);
    }

    void close(long timeoutMillis) {
        running = false;
        thread.interrupt();
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
