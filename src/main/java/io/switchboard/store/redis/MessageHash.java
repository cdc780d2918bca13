package io.switchboard.store.redis;

import io.switchboard.message.Envelope;
import io.switchboard.message.EnvelopeCodec;
import io.switchboard.message.Priority;
import io.switchboard.store.AttemptErrors;
import io.switchboard.store.DeadLetterReason;
import io.switchboard.store.MessageStatus;
import io.switchboard.store.StoredMessage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** How a message is laid out in its Redis hash ({@code m:<id>}), both ways. An absent value is stored as "". */
final class MessageHash {

    private MessageHash() {
    }

    /** Every field of a new message, as alternating names and values. */
    static List<String> all(StoredMessage m) {
        List<String> f = new ArrayList<>(40);
        add(f, "id", m.id());
        add(f, "request_id", m.requestId());
        add(f, "envelope", new String(EnvelopeCodec.encode(m.envelope()), StandardCharsets.UTF_8));
        add(f, "class", m.className());
        add(f, "priority", Integer.toString(m.priority().ordinal()));
        add(f, "status", m.status().label());
        add(f, "replays", Integer.toString(m.replays()));
        add(f, "ttl_ms", Long.toString(m.ttlMs()));
        add(f, "accepted_at", Long.toString(m.acceptedAt()));
        add(f, "deadline_at", Long.toString(m.deadlineAt()));
        add(f, "idempotency_key", m.idempotencyKey());
        f.addAll(outcome(m));
        return f;
    }

    /** The fields a settlement changes (all but the status, which the scripts set). */
    static List<String> outcome(StoredMessage m) {
        List<String> f = new ArrayList<>(20);
        add(f, "pool", m.pool());
        add(f, "attempts", Integer.toString(m.attempts()));
        add(f, "worker", m.worker());
        add(f, "errors", AttemptErrors.encode(m.errors()));
        add(f, "result", m.result() == null ? null : new String(m.result(), StandardCharsets.UTF_8));
        add(f, "dead_reason", m.deadReason() == null ? null : m.deadReason().label());
        add(f, "updated_at", Long.toString(m.updatedAt()));
        add(f, "not_before", Long.toString(m.notBefore()));
        add(f, "finished_at", Long.toString(m.finishedAt()));
        return f;
    }

    private static void add(List<String> f, String name, String value) {
        f.add(name);
        f.add(value == null ? "" : value);
    }

    /** The message an {@code HGETALL} reply (alternating names and values) describes. */
    static StoredMessage decode(List<?> flat) {
        Map<String, String> h = new HashMap<>(flat.size());
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            h.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
        }
        Envelope envelope;
        try {
            envelope = EnvelopeCodec.decode(h.getOrDefault("envelope", "").getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            envelope = null;
        }
        String result = text(h, "result");
        String reason = text(h, "dead_reason");
        return new StoredMessage(h.get("id"), text(h, "request_id"), envelope, h.get("class"),
                Priority.ordered()[(int) number(h, "priority")], h.get("pool"),
                MessageStatus.ofLabel(h.get("status")), (int) number(h, "attempts"), (int) number(h, "replays"),
                number(h, "ttl_ms"), number(h, "accepted_at"), number(h, "updated_at"), number(h, "deadline_at"),
                number(h, "not_before"), number(h, "finished_at"), text(h, "worker"),
                AttemptErrors.decode(text(h, "errors")),
                result == null ? null : result.getBytes(StandardCharsets.UTF_8),
                reason == null ? null : DeadLetterReason.ofLabel(reason), text(h, "idempotency_key"));
    }

    private static String text(Map<String, String> h, String name) {
        String v = h.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    private static long number(Map<String, String> h, String name) {
        String v = h.get(name);
        return v == null || v.isEmpty() ? 0 : Long.parseLong(v);
    }
}
