package io.switchboard.complete;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.message.Json;
import io.switchboard.store.MessageStatus;
import io.switchboard.store.StoredMessage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one sink receives for a finished message: the standard {@link CompletionEvent}, or a flat JSON object shaped
 * by a template, and only for the outcomes it asks for. A template maps each field to text with {@code {{path}}}
 * placeholders; a value that is exactly one placeholder keeps the JSON type of what it names. Paths: the standard
 * event's fields ({@code id}, {@code class}, {@code pool}, {@code worker}, {@code attempts}, {@code duration_ms},
 * {@code timestamp}, {@code status}, {@code reason}, {@code request_id}, {@code event}), {@code duration_seconds},
 * {@code content} and {@code content.<field>...} (the envelope's content), {@code metadata.<key>}, and
 * {@code result.<field>...} (the worker's answer). What a path does not reach is null (or empty inside text).
 * A field named {@code *} whose value is one placeholder naming an object puts that object's fields there instead
 * (e.g. the original command's fields, then fields of the sink's own).
 */
public final class EventFormat {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]+)\\s*}}");

    /** Which finished messages a sink is told about. */
    public enum When { ALL, DELIVERED, DEAD_LETTERED }

    private record Field(String name, String text, String onlyPath) {
    }

    private final When when;
    private final List<Field> template;

    private EventFormat(When when, List<Field> template) {
        this.when = when;
        this.template = template;
    }

    /** The standard event for every finished message. */
    public static EventFormat standard() {
        return new EventFormat(When.ALL, null);
    }

    /**
     * @param when     which outcomes the sink gets
     * @param template field name to text with placeholders, in order; null for the standard event
     */
    public static EventFormat of(When when, Map<String, String> template) {
        if (template == null) {
            return new EventFormat(when, null);
        }
        List<Field> fields = new ArrayList<>();
        for (var e : template.entrySet()) {
            Matcher m = PLACEHOLDER.matcher(e.getValue());
            fields.add(new Field(e.getKey(), e.getValue(), m.matches() ? m.group(1) : null));
        }
        return new EventFormat(when, List.copyOf(fields));
    }

    /** The event for {@code m}, or null when this sink does not take messages that ended as {@code m} did. */
    public byte[] format(StoredMessage m) {
        boolean delivered = m.status() == MessageStatus.DELIVERED;
        if (when == When.DELIVERED && !delivered || when == When.DEAD_LETTERED && delivered) {
            return null;
        }
        if (template == null) {
            return CompletionEvent.of(m);
        }
        ObjectNode context = context(m);
        var out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.factory().createGenerator(out)) {
            g.writeStartObject();
            for (Field f : template) {
                if (f.name().equals("*") && f.onlyPath() != null) {
                    JsonNode spread = resolve(context, f.onlyPath());
                    if (spread != null && spread.isObject()) {
                        for (var e : spread.properties()) {
                            g.writeFieldName(e.getKey());
                            g.writeTree(e.getValue());
                        }
                    }
                    continue;
                }
                g.writeFieldName(f.name());
                if (f.onlyPath() != null) {
                    JsonNode v = resolve(context, f.onlyPath());
                    if (v == null) {
                        g.writeNull();
                    } else {
                        g.writeTree(v);
                    }
                } else {
                    g.writeString(interpolate(context, f.text()));
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static ObjectNode context(StoredMessage m) {
        ObjectNode c = CompletionEvent.tree(m);
        c.put("duration_seconds", c.path("duration_ms").asLong() / 1000.0);
        if (m.envelope() != null) {
            c.set("content", m.envelope().content());
            ObjectNode meta = c.putObject("metadata");
            m.envelope().metadata().forEach(meta::put);
        }
        if (m.result() != null) {
            try {
                c.set("result", Json.mapper().readTree(m.result()));
            } catch (IOException e) {
                c.set("result", JsonNodeFactory.instance.nullNode());
            }
        }
        return c;
    }

    private static JsonNode resolve(JsonNode root, String path) {
        JsonNode n = root;
        for (String part : path.split("\\.")) {
            if (n == null || n.isNull() || n.isMissingNode()) {
                return null;
            }
            n = n.isArray() && part.chars().allMatch(Character::isDigit) ? n.get(Integer.parseInt(part)) : n.get(part);
        }
        return n == null || n.isMissingNode() ? null : n;
    }

    private static String interpolate(JsonNode root, String text) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            JsonNode v = resolve(root, m.group(1));
            String s = v == null || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString();
            m.appendReplacement(out, Matcher.quoteReplacement(s));
        }
        m.appendTail(out);
        return out.toString();
    }
}
