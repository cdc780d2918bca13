package io.switchboard.store.sqlite;

import io.switchboard.message.EnvelopeCodec;
import io.switchboard.store.AttemptError;
import io.switchboard.store.AttemptErrors;
import io.switchboard.store.DeadLetterReason;
import io.switchboard.store.MessageStatus;
import io.switchboard.store.MessageStore;
import io.switchboard.store.NewMessage;
import io.switchboard.store.Settlement;
import io.switchboard.store.StoreUnavailableException;
import io.switchboard.store.StoredMessage;
import io.switchboard.store.Submission;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** The {@code messages} and {@code idempotency} tables as the durable queue. */
final class SqliteQueue implements MessageStore {

    /** Internal writes (claims, settlements) may wait longer than a producer would. */
    private static final long INTERNAL_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int SWEEP_BATCH = 1_000;
    private static final int PRUNE_BATCH = 5_000;

    private final Database db;
    private final SqliteOutbox outbox;
    private final long maxMessages;
    private final long retentionMs;
    private final long idempotencyWindowMs;

    SqliteQueue(Database db, SqliteOutbox outbox, long maxMessages, long retentionMs, long idempotencyWindowMs) {
        this.db = db;
        this.outbox = outbox;
        this.maxMessages = maxMessages;
        this.retentionMs = retentionMs;
        this.idempotencyWindowMs = idempotencyWindowMs;
    }

    private long live() {
        return db.count(MessageStatus.QUEUED).get() + db.count(MessageStatus.IN_FLIGHT).get();
    }

    private Submission.Refused full() {
        return new Submission.Refused("the store holds store.max_messages (" + maxMessages
                + ") queued or in-flight messages", 5);
    }

    @Override
    public Submission submit(NewMessage m) {
        if (m.envelope().idempotencyKey() == null && live() >= maxMessages) {
            return full();
        }
        byte[] envelope = EnvelopeCodec.encode(m.envelope());
        try {
            return db.write(tx -> {
                String key = m.envelope().idempotencyKey();
                if (key != null && idempotencyWindowMs > 0) {
                    StoredMessage existing = byKey(tx, key, m.acceptedAt());
                    if (existing != null) {
                        return new Submission.Duplicate(existing);
                    }
                }
                if (live() >= maxMessages) {
                    return full();
                }
                StoredMessage queued = new StoredMessage(m.id(), m.requestId(), m.envelope(), m.className(),
                        m.priority(), m.pool(), MessageStatus.QUEUED, 0, 0, m.ttlMs(), m.acceptedAt(), m.acceptedAt(),
                        m.deadlineAt(), m.acceptedAt(), 0, null, List.of(), null, null, key);
                insert(tx, queued, envelope);
                if (key != null && idempotencyWindowMs > 0) {
                    PreparedStatement k = tx.prepare("INSERT OR REPLACE INTO idempotency (key, message_id, created_at) "
                            + "VALUES (?, ?, ?)");
                    k.setString(1, key);
                    k.setString(2, m.id());
                    k.setLong(3, m.acceptedAt());
                    k.executeUpdate();
                }
                tx.afterCommit(() -> db.count(MessageStatus.QUEUED).incrementAndGet());
                return new Submission.Accepted(queued);
            });
        } catch (StoreUnavailableException e) {
            return new Submission.Refused(e.getMessage(), 1);
        }
    }

    @Override
    public void rejectOnArrival(NewMessage m, DeadLetterReason reason, AttemptError error)
            throws StoreUnavailableException {
        byte[] envelope = EnvelopeCodec.encode(m.envelope());
        StoredMessage dead = new StoredMessage(m.id(), m.requestId(), m.envelope(), m.className(), m.priority(),
                m.pool(), MessageStatus.DEAD_LETTERED, 0, 0, m.ttlMs(), m.acceptedAt(), m.acceptedAt(), m.deadlineAt(),
                m.acceptedAt(), m.acceptedAt(), null, List.of(error), null, reason, null);
        db.write(tx -> {
            insert(tx, dead, envelope);
            outbox.append(tx, dead);
            tx.afterCommit(() -> db.count(MessageStatus.DEAD_LETTERED).incrementAndGet());
            return null;
        });
    }

    /** Inserts a new row for {@code m} as it stands (its status, errors and dead-letter reason included). */
    private static void insert(GroupCommitWriter.Tx tx, StoredMessage m, byte[] envelope) throws SQLException {
        PreparedStatement ps = tx.prepare("INSERT INTO messages (id, request_id, envelope, class, priority, pool, "
                + "status, ttl_ms, accepted_at, updated_at, deadline_at, not_before, finished_at, errors, dead_reason, "
                + "idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        ps.setString(1, m.id());
        ps.setString(2, m.requestId());
        ps.setBytes(3, envelope);
        ps.setString(4, m.className());
        ps.setInt(5, m.priority().ordinal());
        ps.setString(6, m.pool());
        ps.setString(7, m.status().label());
        ps.setLong(8, m.ttlMs());
        ps.setLong(9, m.acceptedAt());
        ps.setLong(10, m.updatedAt());
        ps.setLong(11, m.deadlineAt());
        ps.setLong(12, m.notBefore());
        ps.setLong(13, m.finishedAt());
        ps.setString(14, AttemptErrors.encode(m.errors()));
        ps.setString(15, m.deadReason() == null ? null : m.deadReason().label());
        ps.setString(16, m.idempotencyKey());
        ps.executeUpdate();
    }

    /** The message a live idempotency key names, or null (a stale or dangling key is removed). */
    private StoredMessage byKey(GroupCommitWriter.Tx tx, String key, long now) throws SQLException {
        PreparedStatement ps = tx.prepare("SELECT message_id, created_at FROM idempotency WHERE key = ?");
        ps.setString(1, key);
        String id;
        long created;
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            id = rs.getString(1);
            created = rs.getLong(2);
        }
        if (now - created < idempotencyWindowMs) {
            PreparedStatement get = tx.prepare("SELECT " + Rows.COLUMNS + " FROM messages WHERE id = ?");
            get.setString(1, id);
            try (ResultSet rs = get.executeQuery()) {
                if (rs.next()) {
                    return Rows.message(rs);
                }
            }
        }
        PreparedStatement del = tx.prepare("DELETE FROM idempotency WHERE key = ?");
        del.setString(1, key);
        del.executeUpdate();
        return null;
    }

    @Override
    public List<StoredMessage> claim(String pool, int max) throws StoreUnavailableException {
        if (max <= 0) {
            return List.of();
        }
        long now = db.now();
        List<StoredMessage> claimed = db.write(tx -> {
            PreparedStatement ps = tx.prepare("UPDATE messages SET status = 'in_flight', updated_at = ?1 WHERE seq IN "
                    + "(SELECT seq FROM messages WHERE status = 'queued' AND pool = ?2 AND not_before <= ?1 "
                    + "AND deadline_at > ?1 ORDER BY priority, seq LIMIT ?3) RETURNING " + Rows.COLUMNS);
            ps.setLong(1, now);
            ps.setString(2, pool);
            ps.setInt(3, max);
            List<StoredMessage> out;
            try (ResultSet rs = ps.executeQuery()) {
                out = Rows.messages(rs);
            }
            int n = out.size();
            if (n > 0) {
                tx.afterCommit(() -> {
                    db.count(MessageStatus.QUEUED).addAndGet(-n);
                    db.count(MessageStatus.IN_FLIGHT).addAndGet(n);
                });
            }
            return out;
        }, INTERNAL_TIMEOUT_NANOS);
        List<StoredMessage> ordered = new ArrayList<>(claimed);
        ordered.sort(Comparator.comparing(StoredMessage::priority).thenComparing(StoredMessage::acceptedAt));
        return ordered;
    }

    @Override
    public boolean attemptStarted(String id, int attempt, String worker) {
        long now = db.now();
        try {
            db.write(tx -> {
                PreparedStatement ps = tx.prepare("UPDATE messages SET attempts = MAX(attempts, ?), worker = ?, "
                        + "updated_at = ? WHERE id = ? AND status = 'in_flight'");
                ps.setInt(1, attempt);
                ps.setString(2, worker);
                ps.setLong(3, now);
                ps.setString(4, id);
                return ps.executeUpdate();
            });
            return true;
        } catch (StoreUnavailableException e) {
            return false;
        }
    }

    @Override
    public void settle(StoredMessage m, Settlement s) throws StoreUnavailableException {
        long now = db.now();
        MessageStatus status = s.status();
        StoredMessage after = s.applyTo(m, now);
        db.write(tx -> {
            PreparedStatement ps = tx.prepare("UPDATE messages SET status = ?, attempts = ?, pool = ?, worker = ?, "
                    + "errors = ?, result = ?, dead_reason = ?, not_before = ?, finished_at = ?, updated_at = ? "
                    + "WHERE id = ? AND status = 'in_flight'");
            ps.setString(1, status.label());
            ps.setInt(2, after.attempts());
            ps.setString(3, after.pool());
            ps.setString(4, after.worker());
            ps.setString(5, AttemptErrors.encode(after.errors()));
            ps.setBytes(6, after.result());
            ps.setString(7, after.deadReason() == null ? null : after.deadReason().label());
            ps.setLong(8, after.notBefore());
            ps.setLong(9, after.finishedAt());
            ps.setLong(10, now);
            ps.setString(11, m.id());
            if (ps.executeUpdate() == 1) {
                if (status != MessageStatus.QUEUED) {
                    outbox.append(tx, after);
                }
                tx.afterCommit(() -> {
                    db.count(MessageStatus.IN_FLIGHT).decrementAndGet();
                    db.count(status).incrementAndGet();
                });
            }
            return null;
        }, INTERNAL_TIMEOUT_NANOS);
    }

    @Override
    public Optional<StoredMessage> find(String id) throws StoreUnavailableException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + Rows.COLUMNS + " FROM messages WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Rows.message(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public int recover(UnaryOperator<String> poolOfClass, Set<String> pools) throws StoreUnavailableException {
        long now = db.now();
        int requeued = db.write(tx -> {
            PreparedStatement ps = tx.prepare("UPDATE messages SET status = 'queued', updated_at = ? "
                    + "WHERE status = 'in_flight'");
            ps.setLong(1, now);
            int n = ps.executeUpdate();
            List<String[]> moved = new ArrayList<>();
            try (ResultSet rs = tx.prepare("SELECT DISTINCT pool, class FROM messages WHERE status = 'queued'")
                    .executeQuery()) {
                while (rs.next()) {
                    if (!pools.contains(rs.getString(1))) {
                        moved.add(new String[] {rs.getString(1), rs.getString(2)});
                    }
                }
            }
            PreparedStatement move = tx.prepare("UPDATE messages SET pool = ? WHERE status = 'queued' AND pool = ? "
                    + "AND class = ?");
            for (String[] pc : moved) {
                move.setString(1, poolOfClass.apply(pc[1]));
                move.setString(2, pc[0]);
                move.setString(3, pc[1]);
                move.executeUpdate();
            }
            return n;
        }, INTERNAL_TIMEOUT_NANOS);
        db.recount();
        return requeued;
    }

    @Override
    public int expireDue() throws StoreUnavailableException {
        int total = 0;
        int n;
        do {
            long now = db.now();
            n = db.write(tx -> {
                PreparedStatement ps = tx.prepare("UPDATE messages SET status = 'expired', dead_reason = 'expired', "
                        + "finished_at = ?1, updated_at = ?1 WHERE seq IN (SELECT seq FROM messages "
                        + "WHERE status = 'queued' AND deadline_at <= ?1 LIMIT ?2) RETURNING " + Rows.COLUMNS);
                ps.setLong(1, now);
                ps.setInt(2, SWEEP_BATCH);
                List<StoredMessage> expired;
                try (ResultSet rs = ps.executeQuery()) {
                    expired = Rows.messages(rs);
                }
                for (StoredMessage m : expired) {
                    outbox.append(tx, m);
                }
                int count = expired.size();
                tx.afterCommit(() -> {
                    db.count(MessageStatus.QUEUED).addAndGet(-count);
                    db.count(MessageStatus.EXPIRED).addAndGet(count);
                });
                return count;
            }, INTERNAL_TIMEOUT_NANOS);
            total += n;
        } while (n == SWEEP_BATCH);
        return total;
    }

    @Override
    public int prune() throws StoreUnavailableException {
        int total = 0;
        int n;
        do {
            long cutoff = db.now() - retentionMs;
            n = db.write(tx -> {
                PreparedStatement ps = tx.prepare("DELETE FROM messages WHERE seq IN (SELECT seq FROM messages "
                        + "WHERE status = 'delivered' AND finished_at < ? LIMIT ?)");
                ps.setLong(1, cutoff);
                ps.setInt(2, PRUNE_BATCH);
                int count = ps.executeUpdate();
                tx.afterCommit(() -> db.count(MessageStatus.DELIVERED).addAndGet(-count));
                return count;
            }, INTERNAL_TIMEOUT_NANOS);
            total += n;
        } while (n == PRUNE_BATCH);
        long keyCutoff = db.now() - idempotencyWindowMs;
        db.write(tx -> {
            PreparedStatement ps = tx.prepare("DELETE FROM idempotency WHERE created_at <= ?");
            ps.setLong(1, keyCutoff);
            return ps.executeUpdate();
        }, INTERNAL_TIMEOUT_NANOS);
        return total;
    }

    @Override
    public Map<MessageStatus, Long> counts() {
        return db.counts();
    }
}
