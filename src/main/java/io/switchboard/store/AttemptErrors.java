package io.switchboard.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.switchboard.message.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A message's failed attempts as the stores keep them: a JSON array, or null when there are none. */
public final class AttemptErrors {

    private static final TypeReference<List<Map<String, Object>>> ERROR_LIST = new TypeReference<>() {
    };

    private AttemptErrors() {
    }

    public static String encode(List<AttemptError> errors) {
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

    /** The list {@link #encode} wrote; one {@code unreadable} entry when it cannot be read. */
    public static List<AttemptError> decode(String json) {
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
