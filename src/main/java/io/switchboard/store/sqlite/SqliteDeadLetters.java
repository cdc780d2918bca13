package io.switchboard.store.sqlite;

import io.switchboard.store.DeadLetterFilter;
import io.switchboard.store.DeadLetterPage;
import io.switchboard.store.DeadLetterQueue;
import io.switchboard.store.MessageStatus;
import io.switchboard.store.StoreUnavailableException;
import io.switchboard.store.StoredMessage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Dead letters are rows of {@code messages} in status {@code dead_lettered} or {@code expired}. */
final class SqliteDeadLetters implements DeadLetterQueue {

    private static final String DEAD = "status IN ('dead_lettered', 'expired')";

    private final Database db;

    SqliteDeadLetters(Database db) {
        this.db = db;
    }

    /** The filter as SQL conditions after {@code WHERE <dead>}, with its parameters appended to {@code args}. */
    private static String where(DeadLetterFilter f, List<Object> args) {
        StringBuilder sql = new StringBuilder(DEAD);
        if (f.className() != null) {
            sql.append(" AND class = ?");
            args.add(f.className());
        }
        if (f.pool() != null) {
            sql.append(" AND pool = ?");
            args.add(f.pool());
        }
        if (f.reason() != null) {
            sql.append(" AND dead_reason = ?");
            args.add(f.reason().label());
        }
        return sql.toString();
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (a instanceof Long l) {
                ps.setLong(i + 1, l);
            } else if (a instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else {
                ps.setString(i + 1, (String) a);
            }
        }
    }

    @Override
    public DeadLetterPage deadLetters(DeadLetterFilter filter, String cursor, int limit) throws StoreUnavailableException {
        long before;
        try {
            before = cursor == null ? Long.MAX_VALUE : Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cursor '" + cursor + "' is not one this engine handed out");
        }
        return db.read(c -> {
            List<Object> args = new ArrayList<>();
            String sql = "SELECT " + Rows.COLUMNS + " FROM messages WHERE " + where(filter, args)
                    + " AND seq < ? ORDER BY seq DESC LIMIT ?";
            args.add(before);
            args.add(limit + 1);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args);
                List<StoredMessage> items = new ArrayList<>();
                long lastSeq = 0;
                String next = null;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (items.size() == limit) {
                            next = Long.toString(lastSeq);
                            break;
                        }
                        items.add(Rows.message(rs));
                        lastSeq = rs.getLong("seq");
                    }
                }
                return new DeadLetterPage(items, next);
            }
        });
    }

    @Override
    public Optional<StoredMessage> replay(String id) throws StoreUnavailableException {
        long now = db.now();
        return db.write(tx -> Optional.ofNullable(replay(tx, "id = ?", id, now)));
    }

    /** Re-queues the dead letter {@code key} names; null when there is none. */
    private StoredMessage replay(GroupCommitWriter.Tx tx, String keyCondition, Object key, long now) throws SQLException {
        PreparedStatement was = tx.prepare("SELECT status FROM messages WHERE " + keyCondition + " AND " + DEAD);
        bindKey(was, 1, key);
        MessageStatus before;
        try (ResultSet rs = was.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            before = MessageStatus.ofLabel(rs.getString(1));
        }
        PreparedStatement ps = tx.prepare("UPDATE messages SET status = 'queued', attempts = 0, replays = replays + 1, "
                + "deadline_at = ?1 + ttl_ms, not_before = ?1, dead_reason = NULL, finished_at = 0, updated_at = ?1 "
                + "WHERE " + keyCondition.replace("?", "?2") + " AND " + DEAD + " RETURNING " + Rows.COLUMNS);
        ps.setLong(1, now);
        bindKey(ps, 2, key);
        StoredMessage m;
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            m = Rows.message(rs);
        }
        tx.afterCommit(() -> {
            db.count(MessageStatus.QUEUED).incrementAndGet();
            db.count(before).decrementAndGet();
        });
        return m;
    }

    private static void bindKey(PreparedStatement ps, int index, Object key) throws SQLException {
        if (key instanceof Long l) {
            ps.setLong(index, l);
        } else {
            ps.setString(index, (String) key);
        }
    }

    /** Deletes the dead letter {@code key} names, counting it off its status; false when there is none. */
    private boolean purge(GroupCommitWriter.Tx tx, String keyCondition, Object key) throws SQLException {
        PreparedStatement ps = tx.prepare("DELETE FROM messages WHERE " + keyCondition + " AND " + DEAD
                + " RETURNING status");
        bindKey(ps, 1, key);
        MessageStatus was;
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return false;
            }
            was = MessageStatus.ofLabel(rs.getString(1));
        }
        tx.afterCommit(() -> db.count(was).decrementAndGet());
        return true;
    }

    @Override
    public int replayAll(DeadLetterFilter filter, int max) throws StoreUnavailableException {
        long now = db.now();
        List<Long> seqs = matching(filter, max);
        int replayed = 0;
        for (int from = 0; from < seqs.size(); from += GroupCommitWriter.MAX_BATCH) {
            List<Long> chunk = seqs.subList(from, Math.min(seqs.size(), from + GroupCommitWriter.MAX_BATCH));
            replayed += db.write(tx -> {
                int n = 0;
                for (long seq : chunk) {
                    if (replay(tx, "seq = ?", seq, now) != null) {
                        n++;
                    }
                }
                return n;
            });
        }
        return replayed;
    }

    /** Up to {@code max} seqs of dead letters matching {@code filter}, oldest first. */
    private List<Long> matching(DeadLetterFilter filter, int max) throws StoreUnavailableException {
        return db.read(c -> {
            List<Object> args = new ArrayList<>();
            String sql = "SELECT seq FROM messages WHERE " + where(filter, args) + " ORDER BY seq LIMIT ?";
            args.add(max);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args);
                List<Long> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public boolean purge(String id) throws StoreUnavailableException {
        return db.write(tx -> purge(tx, "id = ?", id));
    }

    @Override
    public int purgeAll(DeadLetterFilter filter, int max) throws StoreUnavailableException {
        List<Long> seqs = matching(filter, max);
        int purged = 0;
        for (int from = 0; from < seqs.size(); from += GroupCommitWriter.MAX_BATCH) {
            List<Long> chunk = seqs.subList(from, Math.min(seqs.size(), from + GroupCommitWriter.MAX_BATCH));
            purged += db.write(tx -> {
                int n = 0;
                for (long seq : chunk) {
                    if (purge(tx, "seq = ?", seq)) {
                        n++;
                    }
                }
                return n;
            });
        }
        return purged;
    }
}
