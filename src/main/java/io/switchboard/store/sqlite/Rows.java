package io.switchboard.store.sqlite;

import io.switchboard.message.Envelope;
import io.switchboard.message.EnvelopeCodec;
import io.switchboard.message.Priority;
import io.switchboard.store.AttemptErrors;
import io.switchboard.store.DeadLetterReason;
import io.switchboard.store.MessageStatus;
import io.switchboard.store.StoredMessage;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** How a message is laid out in the {@code messages} table, both ways. */
final class Rows {

    /** The columns {@link #message} reads, in its order. */
    static final String COLUMNS = "seq, id, request_id, envelope, class, priority, pool, status, attempts, replays, "
            + "ttl_ms, accepted_at, updated_at, deadline_at, not_before, finished_at, worker, errors, result, "
            + "dead_reason, idempotency_key";

    private Rows() {
    }

    static StoredMessage message(ResultSet rs) throws SQLException {
        Envelope envelope;
        try {
            envelope = EnvelopeCodec.decode(rs.getBytes("envelope"));
        } catch (IllegalArgumentException e) {
            envelope = null;
        }
        String reason = rs.getString("dead_reason");
        return new StoredMessage(rs.getString("id"), rs.getString("request_id"), envelope, rs.getString("class"),
                Priority.ordered()[rs.getInt("priority")], rs.getString("pool"),
                MessageStatus.ofLabel(rs.getString("status")), rs.getInt("attempts"), rs.getInt("replays"),
                rs.getLong("ttl_ms"), rs.getLong("accepted_at"), rs.getLong("updated_at"), rs.getLong("deadline_at"),
                rs.getLong("not_before"), rs.getLong("finished_at"), rs.getString("worker"),
                AttemptErrors.decode(rs.getString("errors")), rs.getBytes("result"),
                reason == null ? null : DeadLetterReason.ofLabel(reason), rs.getString("idempotency_key"));
    }

    static List<StoredMessage> messages(ResultSet rs) throws SQLException {
        List<StoredMessage> out = new ArrayList<>();
        while (rs.next()) {
            out.add(message(rs));
        }
        return out;
    }
}
