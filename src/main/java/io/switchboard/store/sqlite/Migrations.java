package io.switchboard.store.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The schema, as numbered migrations. The database's {@code user_version} says how many were applied; each runs in
 * its own transaction, and a database written by a newer release is refused rather than guessed at.
 */
final class Migrations {

    /** Migration {@code i} brings the schema from version {@code i} to {@code i + 1}. Only ever append. */
    private static final List<String[]> STEPS = List.<String[]>of(new String[] {
            """
            CREATE TABLE messages (
              seq INTEGER PRIMARY KEY,
              id TEXT NOT NULL UNIQUE,
              request_id TEXT,
              envelope BLOB NOT NULL,
              class TEXT NOT NULL,
              priority INTEGER NOT NULL,
              pool TEXT NOT NULL,
              status TEXT NOT NULL,
              attempts INTEGER NOT NULL DEFAULT 0,
              replays INTEGER NOT NULL DEFAULT 0,
              ttl_ms INTEGER NOT NULL,
              accepted_at INTEGER NOT NULL,
              updated_at INTEGER NOT NULL,
              deadline_at INTEGER NOT NULL,
              not_before INTEGER NOT NULL,
              finished_at INTEGER NOT NULL DEFAULT 0,
              worker TEXT,
              errors TEXT,
              result BLOB,
              dead_reason TEXT,
              idempotency_key TEXT
            )""",
            "CREATE INDEX messages_queued ON messages(pool, priority, seq) WHERE status = 'queued'",
            "CREATE INDEX messages_deadline ON messages(deadline_at) WHERE status = 'queued'",
            "CREATE INDEX messages_in_flight ON messages(seq) WHERE status = 'in_flight'",
            "CREATE INDEX messages_dead ON messages(seq) WHERE status IN ('dead_lettered', 'expired')",
            "CREATE INDEX messages_delivered ON messages(finished_at) WHERE status = 'delivered'",
            """
            CREATE TABLE idempotency (
              key TEXT PRIMARY KEY,
              message_id TEXT NOT NULL,
              created_at INTEGER NOT NULL
            )""",
            "CREATE INDEX idempotency_created ON idempotency(created_at)",
            """
            CREATE TABLE outbox (
              seq INTEGER PRIMARY KEY,
              sink TEXT NOT NULL,
              payload BLOB NOT NULL,
              created_at INTEGER NOT NULL,
              attempts INTEGER NOT NULL DEFAULT 0,
              next_at INTEGER NOT NULL,
              last_error TEXT
            )""",
            "CREATE INDEX outbox_due ON outbox(sink, next_at, seq)"
    });

    /** The schema version this release writes. */
    static final int CURRENT = STEPS.size();

    private Migrations() {
    }

    /** Applies the missing migrations; returns the version found before. */
    static int apply(Connection c, String file) throws SQLException {
        int version;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            version = rs.next() ? rs.getInt(1) : 0;
        }
        if (version > CURRENT) {
            throw new SQLException(file + " has schema version " + version + ", newer than this release's "
                    + CURRENT + "; run the release that wrote it, or point store.path elsewhere");
        }
        for (int v = version; v < CURRENT; v++) {
            try (Statement s = c.createStatement()) {
                for (String sql : STEPS.get(v)) {
                    s.execute(sql);
                }
                s.execute("PRAGMA user_version = " + (v + 1));
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw new SQLException("migrating " + file + " to schema version " + (v + 1) + " failed: "
                        + e.getMessage(), e);
            }
        }
        return version;
    }
}
