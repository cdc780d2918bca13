package io.switchboard.ingress.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.switchboard.message.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem detail. {@code type} is a stable URN per kind of problem ({@code urn:switchboard:problem:<slug>})
 * that clients may switch on; {@code title} is fixed per type; {@code detail} explains this occurrence.
 */
public record Problem(int status, String slug, String title, String detail, Map<String, Object> extensions) {

    public static final String CONTENT_TYPE = "application/problem+json";
    private static final JsonFactory JSON = Json.factory();

    public Problem {
        extensions = extensions == null ? Map.of() : extensions;
    }

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(status, slug, title, detail, new LinkedHashMap<>());
    }

    /** 405 for {@code method} where only {@code allowed} is served (the caller sets the {@code Allow} header). */
    public static Problem methodNotAllowed(String method, String allowed) {
        return of(405, "method-not-allowed", "Method Not Allowed", method + " is not allowed here; use " + allowed);
    }

    /** A copy with one more member (e.g. {@code errors}, {@code attempts}). */
    public Problem with(String key, Object value) {
        Map<String, Object> ext = new LinkedHashMap<>(extensions);
        ext.put(key, value);
        return new Problem(status, slug, title, detail, ext);
    }

    public String type() {
        return "urn:switchboard:problem:" + slug;
    }

    public byte[] toJson(String instance, String requestId) {
        var out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", type());
            g.writeStringField("title", title);
            g.writeNumberField("status", status);
            if (detail != null) {
                g.writeStringField("detail", detail);
            }
            if (instance != null) {
                g.writeStringField("instance", instance);
            }
            if (requestId != null) {
                g.writeStringField("request_id", requestId);
            }
            for (var e : extensions.entrySet()) {
                g.writeFieldName(e.getKey());
                g.writeObject(e.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
