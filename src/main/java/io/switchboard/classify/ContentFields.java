package io.switchboard.classify;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.switchboard.message.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the values at the field paths that rules test from content that is a JSON object, in one streaming pass that
 * skips every other field. Immutable and thread-safe.
 *
 * <p>A value is a string as it is, a number as Jackson's tree renders it ({@code 7}, {@code 2.5}; so an object
 * envelope's content, already parsed once, reads the same as that JSON sent as a string) and {@code true} or
 * {@code false}. A path that is missing, or holds null, an object or an array, has no value. Where a key is repeated
 * the last one counts, as in a parsed tree.
 */
final class ContentFields {

    /** One step of the path trie: the slot of the path that ends here (or -1) and the steps below. */
    private static final class Step {
        final Map<String, Step> next = new HashMap<>();
        int slot = -1;
        /** The slots of this step and every step below it; cleared when the key occurs again. */
        int[] slots;
    }

    private final Step root = new Step();
    private final int count;

    /** @param paths dot-separated paths; a path's slot is its index */
    ContentFields(List<String> paths) {
        this.count = paths.size();
        for (int i = 0; i < paths.size(); i++) {
            Step step = root;
            for (String name : paths.get(i).split("\\.", -1)) {
                step = step.next.computeIfAbsent(name, n -> new Step());
            }
            step.slot = i;
        }
        collectSlots(root);
    }

    private static List<Integer> collectSlots(Step step) {
        List<Integer> all = new ArrayList<>();
        if (step.slot >= 0) {
            all.add(step.slot);
        }
        for (Step child : step.next.values()) {
            all.addAll(collectSlots(child));
        }
        step.slots = all.stream().mapToInt(Integer::intValue).toArray();
        return all;
    }

    /**
     * The value at each path (null where there is none), or null when the text is not one JSON object. Text whose
     * first non-blank character is not an opening brace is turned away without parsing; malformed JSON is not an
     * error here, just not an object.
     */
    String[] read(String text) {
        if (!startsAnObject(text)) {
            return null;
        }
        String[] values = new String[count];
        try (JsonParser p = Json.factory().createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            readObject(p, root, values);
            return p.nextToken() == null ? values : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean startsAnObject(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return c == '{';
            }
        }
        return false;
    }

    /** Reads the fields of the object whose START_OBJECT was just read, up to and including its END_OBJECT. */
    private static void readObject(JsonParser p, Step at, String[] values) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            Step step = at.next.get(p.currentName());
            JsonToken token = p.nextToken();
            if (step == null) {
                p.skipChildren();
                continue;
            }
            for (int slot : step.slots) {
                values[slot] = null;
            }
            if (token == JsonToken.START_OBJECT && !step.next.isEmpty()) {
                readObject(p, step, values);
            } else if (token.isStructStart()) {
                p.skipChildren();
            } else if (step.slot >= 0 && token != JsonToken.VALUE_NULL) {
                values[step.slot] = token.isNumeric() ? p.getNumberValue().toString() : p.getText();
            }
        }
    }
}
