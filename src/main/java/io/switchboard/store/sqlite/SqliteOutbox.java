package io.switchboard.store.sqlite;

import io.switchboard.store.EventOutbox;
import io.switchboard.store.StoreUnavailableException;
import io.switchboard.store.StoredMessage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/** The {@code outbox} table: completion events per sink, appended by the transactions that settle messages. */
final class SqliteOutbox implements EventOutbox {

    private final Database db;
    private final List<String> sinks;
    private final BiFunction<String, StoredMessage, byte[]> format;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    SqliteOutbox(Database db, List<String> sinks, BiFunction<String, StoredMessage, byte[]> format) {
        this.db = db;
        this.sinks = List.copyOf(sinks);
        this.format = format;
        for (String s : sinks) {
            db.pending(s);
        }
    }

    /**
     * Appends the completion event of {@code settled} for every sink that wants it (its format answers non-null),
     * inside the caller's transaction.
     */
    void append(GroupCommitWriter.Tx tx, StoredMessage settled) throws SQLException {
        if (sinks.isEmpty()) {
            return;
        }
        long now = db.now();
        PreparedStatement ps = tx.prepare("INSERT INTO outbox (sink, payload, created_at, next_at) VALUES (?, ?, ?, ?)");
        List<String> appended = new java.util.ArrayList<>(sinks.size());
        for (String sink : sinks) {
            byte[] payload = format.apply(sink, settled);
            if (payload == null) {
                continue;
            }
            ps.setString(1, sink);
            ps.setBytes(2, payload);
            ps.setLong(3, now);
            ps.setLong(4, now);
            ps.executeUpdate();
            appended.add(sink);
        }
        if (appended.isEmpty()) {
            return;
        }
        tx.afterCommit(() -> {
            for (String sink : appended) {
                db.pending(sink).incrementAndGet();
            }
            for (Runnable l : listeners) {
                l.run();
            }
        });
    }

    @Override
    public List<PendingEvent> dueEvents(String sink, int max) throws StoreUnavailableException {
        long now = db.now();
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, payload, attempts, created_at FROM outbox "
                    + "WHERE sink = ? AND next_at <= ? ORDER BY seq LIMIT ?")) {
                ps.setString(1, sink);
                ps.setLong(2, now);
                ps.setInt(3, max);
                List<PendingEvent> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new PendingEvent(rs.getLong(1), sink, rs.getBytes(2), rs.getInt(3), rs.getLong(4)));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public void removeEvents(List<Long> seqs) throws StoreUnavailableException {
        if (seqs.isEmpty()) {
            return;
        }
        db.write(tx -> {
            PreparedStatement ps = tx.prepare("DELETE FROM outbox WHERE seq = ? RETURNING sink");
            List<String> removed = new ArrayList<>();
            for (long seq : seqs) {
                ps.setLong(1, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        removed.add(rs.getString(1));
                    }
                }
            }
            tx.afterCommit(() -> removed.forEach(s -> db.pending(s).decrementAndGet()));
            return null;
        });
    }

    @Override
    public void eventFailed(long seq, long nextAt, String error) throws StoreUnavailableException {
        db.write(tx -> {
            PreparedStatement ps = tx.prepare("UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ? "
                    + "WHERE seq = ?");
            ps.setLong(1, nextAt);
            ps.setString(2, error);
            ps.setLong(3, seq);
            return ps.executeUpdate();
        });
    }

    @Override
    public Map<String, Long> pendingEvents() {
        return db.pendingEvents();
    }

    @Override
    public void onNewEvents(Runnable listener) {
        listeners.add(listener);
    }
}
