package io.switchboard.message;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The stored form of an envelope: compact JSON with the contract's field names, read back exactly as written. */
public final class EnvelopeCodec {

    private EnvelopeCodec() {
    }

    public static byte[] encode(Envelope e) {
        var out = new ByteArrayOutputStream(128 + e.text().length());
        try (JsonGenerator g = Json.factory().createGenerator(out)) {
            g.writeStartObject();
            writeFields(g, e);
            if (e.className() != null) {
                g.writeStringField("class", e.className());
            }
            if (e.priority() != null) {
                g.writeStringField("priority", e.priority().name());
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    /**
     * Writes the producer's fields that travel with a message — {@code content}, {@code metadata} and, when set,
     * {@code ttl_ms} and {@code idempotency_key} — into the object {@code g} is writing.
     */
    public static void writeFields(JsonGenerator g, Envelope e) throws IOException {
        g.writeFieldName("content");
        g.writeTree(e.content());
        g.writeObjectFieldStart("metadata");
        for (var m : e.metadata().entrySet()) {
            g.writeStringField(m.getKey(), m.getValue());
        }
        g.writeEndObject();
        if (e.ttlMs() != null) {
            g.writeNumberField("ttl_ms", e.ttlMs());
        }
        if (e.idempotencyKey() != null) {
            g.writeStringField("idempotency_key", e.idempotencyKey());
        }
    }

    /** Reads what {@link #encode} wrote; IllegalArgumentException when the bytes are not such an envelope. */
    public static Envelope decode(byte[] bytes) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("stored envelope is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !root.has("content")) {
            throw new IllegalArgumentException("stored envelope has no content");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        root.path("metadata").properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
        JsonNode ttl = root.get("ttl_ms");
        return new Envelope(root.get("content"), metadata, text(root, "class"), Priority.parse(text(root, "priority")),
                ttl == null ? null : ttl.asLong(), text(root, "idempotency_key"));
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
