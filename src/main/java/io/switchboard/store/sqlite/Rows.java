package io.switchboard.store.sqlite;

import com.fasterxml.jackson.core.type.TypeReference;
import io.switchboard.message.Envelope;
import io.switchboard.message.EnvelopeCodec;
import io.switchboard.message.Json;
import io.switchboard.message.Priority;
import io.switchboard.store.AttemptError;
import io.switchboard.store.DeadLetterReason;
import io.switchboard.store.MessageStatus;
import io.switchboard.store.StoredMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How a message is laid out in the {@code messages} table, both ways. */
final class Rows {

    /** The columns {@link #message} reads, in its order. */
    static final String COLUMNS = "seq, id, request_id, envelope, class, priority, pool, status, attempts, replays, "
            + "ttl_ms, accepted_at, updated_at, deadline_at, not_before, finished_at, worker, errors, result, "
            + "dead_reason, idempotency_key";

    private static final TypeReference<List<Map<String, Object>>> ERROR_LIST = new TypeReference<>() {
    };

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
                errors(rs.getString("errors")), rs.getBytes("result"),
                reason == null ? null : DeadLetterReason.ofLabel(reason), rs.getString("idempotency_key"));
    }

    static List<StoredMessage> messages(ResultSet rs) throws SQLException {
        List<StoredMessage> out = new ArrayList<>();
        while (rs.next()) {
            out.add(message(rs));
        }
        return out;
    }

    static String errors(List<AttemptError> errors) {
        if (errors.isEmpty()) {
            return null;
        }
        List<Map<String, Object>> out = new ArrayList<>(errors.size());
        for (AttemptError e : errors) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("attempt", e.attempt());
            m.put("pool", e.pool());
            m.put("worker", e.worker());
            m.put("category", e.category());
            m.put("detail", e.detail());
            m.put("at", e.atMillis());
            out.add(m);
        }
        try {
            return Json.mapper().writeValueAsString(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<AttemptError> errors(String json) {
        if (json == null || json.isEmpty()) {
            return List.of();
        }
        try {
            List<AttemptError> out = new ArrayList<>();
            for (Map<String, Object> m : Json.mapper().readValue(json, ERROR_LIST)) {
                out.add(new AttemptError(((Number) m.getOrDefault("attempt", 0)).intValue(), (String) m.get("pool"),
                        (String) m.get("worker"), (String) m.get("category"), (String) m.get("detail"),
                        ((Number) m.getOrDefault("at", 0L)).longValue()));
            }
            return out;
        } catch (IOException | ClassCastException e) {
            return List.of(new AttemptError(0, null, null, "unreadable", "the stored error list could not be read", 0));
        }
    }
}
