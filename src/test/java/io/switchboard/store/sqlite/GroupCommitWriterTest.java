package io.switchboard.store.sqlite;

import io.switchboard.store.StoreUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The group-commit writer over a real SQLite file. */
class GroupCommitWriterTest {

    @TempDir
    Path dir;

    private Connection connection;
    private GroupCommitWriter writer;
    private final AtomicInteger commits = new AtomicInteger();

    @BeforeEach
    void open() throws SQLException {
        connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("w.db"));
        connection.createStatement().execute("CREATE TABLE t (v INTEGER UNIQUE)");
        writer = new GroupCommitWriter(connection, 1024, "test-writer", nanos -> commits.incrementAndGet());
    }

    @AfterEach
    void close() throws SQLException {
        writer.close();
        connection.close();
    }

    private static GroupCommitWriter.Op<Integer> insert(int v) {
        return tx -> {
            var ps = tx.prepare("INSERT INTO t (v) VALUES (?)");
            ps.setInt(1, v);
            return ps.executeUpdate();
        };
    }

    /** An operation that signals {@code busy} once the writer runs it, then holds the writer until {@code hold}. */
    private static GroupCommitWriter.Op<Object> block(CountDownLatch busy, CountDownLatch hold) {
        return tx -> {
            busy.countDown();
            try {
                hold.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        };
    }

    private int rows() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("w.db"));
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM t")) {
            return rs.getInt(1);
        }
    }

    @Test
    void concurrentWritesShareCommits() throws Exception {
        int writes = 400;
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> done = new ArrayList<>();
            for (int i = 0; i < writes; i++) {
                int v = i;
                done.add(pool.submit(() -> writer.execute(insert(v), TimeUnit.SECONDS.toNanos(10))));
            }
            for (Future<Integer> f : done) {
                assertThat(f.get()).isEqualTo(1);
            }
        }
        assertThat(rows()).isEqualTo(writes);
        assertThat(commits.get()).isLessThan(writes);
    }

    @Test
    void aFailingWriteIsUndoneAloneAndTheRestOfItsBatchCommits() throws Exception {
        var hold = new CountDownLatch(1);
        var busy = new CountDownLatch(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            // Keep the writer busy so the next two land in one batch.
            Future<Object> blocker = pool.submit(() -> writer.execute(block(busy, hold), TimeUnit.SECONDS.toNanos(10)));
            assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
            Future<Integer> good = pool.submit(() -> writer.execute(insert(1), TimeUnit.SECONDS.toNanos(10)));
            Future<Integer> bad = pool.submit(() -> writer.execute(tx -> {
                insert(2).run(tx);
                return insert(2).run(tx); // violates UNIQUE after its own first insert
            }, TimeUnit.SECONDS.toNanos(10)));
            org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> writer.backlog() == 2);
            hold.countDown();
            blocker.get();
            assertThat(good.get()).isEqualTo(1);
            assertThatThrownBy(bad::get).hasCauseInstanceOf(StoreUnavailableException.class);
        }
        // The failed operation's own first insert (2) was undone with it.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("w.db"));
             ResultSet rs = c.createStatement().executeQuery("SELECT group_concat(v) FROM t")) {
            assertThat(rs.getString(1)).isEqualTo("1");
        }
    }

    @Test
    void aCallerThatGivesUpBeforeItsWriteIsTakenCancelsIt() throws Exception {
        var hold = new CountDownLatch(1);
        var busy = new CountDownLatch(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Object> blocker = pool.submit(() -> writer.execute(block(busy, hold), TimeUnit.SECONDS.toNanos(10)));
            assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();

            assertThatThrownBy(() -> writer.execute(insert(7), TimeUnit.MILLISECONDS.toNanos(50)))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("did not write within");
            hold.countDown();
            blocker.get();
        }
        assertThat(writer.execute(insert(8), TimeUnit.SECONDS.toNanos(10))).isEqualTo(1);
        assertThat(rows()).isEqualTo(1);
    }
}
