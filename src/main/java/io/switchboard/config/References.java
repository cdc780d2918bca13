package io.switchboard.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${env:NAME}} (an environment variable) and {@code ${file:PATH}} (a file's content, less one trailing
 * newline) in the text values of the merged tree, so that secrets need not be written in the file;
 * <code>$${</code> is a literal <code>${</code>. Done before binding, so a reference that cannot be resolved is
 * reported at its key; and what references resolved to never appears in a problem: {@link #hide} puts the reference
 * back in its place.
 */
final class References {

    /** A literal <code>$${</code>, a reference {@code ${...}}, or an opening <code>${</code> that is never closed. */
    private static final Pattern TOKEN = Pattern.compile("\\$\\$\\{|\\$\\{([^}]*)}|\\$\\{");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String FORMS = "use ${env:NAME} or ${file:PATH}, or write $${ for a literal ${";
    private static final int MAX_FILE_BYTES = 1024 * 1024;
    /** Values shorter than this are hidden only in problems about their own key: elsewhere they are just words. */
    private static final int HIDDEN_EVERYWHERE = 8;

    /** A resolved value, the reference it came from, and the key it went to. */
    private record Resolved(String value, String reference, String path) {
    }

    private final ObjectMapper yaml;
    private final Origins origins;
    private final Map<String, String> env;
    private final List<ConfigProblem> problems;
    private final List<Resolved> resolved = new ArrayList<>();
    /** Keys whose references failed: their problem is already reported, so later ones there are echoes. */
    private final Set<String> failed = new HashSet<>();

    References(ObjectMapper yaml, Origins origins, Map<String, String> env, List<ConfigProblem> problems) {
        this.yaml = yaml;
        this.origins = origins;
        this.env = env;
        this.problems = problems;
    }

    void resolve(ObjectNode root) {
        resolve(root, SwitchboardConfig.class, "", null);
    }

    /**
     * The problems of binding, without those at keys whose references already failed, and with every resolved value
     * replaced by the reference it came from (a validation message may quote a value).
     */
    List<ConfigProblem> hide(List<ConfigProblem> bound) {
        List<Resolved> values = new ArrayList<>(resolved);
        values.sort(Comparator.comparingInt((Resolved r) -> r.value().length()).reversed());
        List<ConfigProblem> out = new ArrayList<>();
        for (ConfigProblem p : bound) {
            if (failed.contains(p.keyPath())) {
                continue;
            }
            String reason = p.reason();
            for (Resolved r : values) {
                if (r.value().length() >= HIDDEN_EVERYWHERE || p.keyPath().equals(r.path())
                        || p.keyPath().startsWith(r.path() + ".")) {
                    reason = reason.replace(r.value(), r.reference());
                }
            }
            out.add(new ConfigProblem(p.file(), p.keyPath(), reason));
        }
        return out;
    }

    /** Walks the tree beside the schema ({@code type} is null where the schema knows no such key). */
    private void resolve(JsonNode node, Type type, String path, Consumer<JsonNode> replace) {
        if (node instanceof ObjectNode object) {
            List<String> keys = new ArrayList<>();
            object.properties().forEach(e -> keys.add(e.getKey()));
            for (String key : keys) {
                resolve(object.get(key), childType(type, key), KeyPath.child(path, key), n -> object.set(key, n));
            }
        } else if (node instanceof ArrayNode array) {
            Type element = type != null && Schema.isList(type) ? Schema.contentType(type) : null;
            for (int i = 0; i < array.size(); i++) {
                int index = i;
                resolve(array.get(i), element, KeyPath.index(path, i), n -> array.set(index, n));
            }
        } else if (node != null && node.isTextual() && node.textValue().contains("${") && replace != null) {
            String text = substitute(node.textValue(), path);
            if (text != null) {
                replace.accept(typed(text, type));
            }
        }
    }

    private static Type childType(Type type, String key) {
        if (type == null) {
            return null;
        }
        if (Schema.isRecord(type)) {
            for (Schema.Field f : Schema.fields(Schema.rawClass(type))) {
                if (f.name().equals(key)) {
                    return f.type();
                }
            }
            return null;
        }
        return Schema.isMap(type) ? Schema.contentType(type) : null;
    }

    /** The text with its references resolved, or null when one failed (the problem is recorded). */
    private String substitute(String text, String path) {
        StringBuilder out = new StringBuilder();
        Matcher m = TOKEN.matcher(text);
        int last = 0;
        boolean referenced = false;
        while (m.find()) {
            out.append(text, last, m.start());
            last = m.end();
            String token = m.group();
            if (token.equals("$${")) {
                out.append("${");
                continue;
            }
            if (m.group(1) == null) {
                return fail(path, "'${' is not closed; " + FORMS);
            }
            String value = value(token, m.group(1), path);
            if (value == null) {
                return null;
            }
            remember(value, token, path);
            referenced = true;
            out.append(value);
        }
        String result = out.append(text, last, text.length()).toString();
        if (referenced) {
            remember(result, text, path);
        }
        return result;
    }

    private void remember(String value, String reference, String path) {
        if (!value.isEmpty() && !value.equals(reference)) {
            resolved.add(new Resolved(value, reference, path));
        }
    }

    private String value(String reference, String body, String path) {
        if (body.startsWith("env:")) {
            String name = body.substring(4);
            if (!VARIABLE.matcher(name).matches()) {
                return fail(path, reference + " does not name an environment variable (letters, digits and '_')");
            }
            String value = env.get(name);
            return value != null ? value : fail(path, reference + " is not set");
        }
        if (body.startsWith("file:")) {
            return file(reference, body.substring(5), path);
        }
        return fail(path, reference + " is not a reference; " + FORMS);
    }

    /** The file's UTF-8 content less one trailing newline, as a secret mounted from a file usually ends with one. */
    private String file(String reference, String name, String path) {
        if (name.isBlank()) {
            return fail(path, reference + " names no file");
        }
        Path file;
        try {
            file = Path.of(name);
        } catch (InvalidPathException e) {
            return fail(path, reference + " is not a valid path");
        }
        if (Files.isDirectory(file)) {
            return fail(path, reference + " is a directory, not a file");
        }
        String text;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                return fail(path, reference + " is larger than 1 MiB");
            }
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            return fail(path, reference + " cannot be read: no such file (looked for " + file.toAbsolutePath() + ")");
        } catch (AccessDeniedException e) {
            return fail(path, reference + " cannot be read: permission denied");
        } catch (CharacterCodingException e) {
            return fail(path, reference + " is not valid UTF-8");
        } catch (IOException e) {
            return fail(path, reference + " cannot be read: " + e.getMessage());
        }
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    /** Text where text is expected; a number or a boolean where the key wants one, read as a YAML scalar. */
    private JsonNode typed(String text, Type type) {
        if (type == null || !Schema.isScalar(type) || Schema.rawClass(type) == String.class) {
            return TextNode.valueOf(text);
        }
        if (text.isEmpty()) {
            return NullNode.getInstance();
        }
        try {
            JsonNode parsed = yaml.readTree(text);
            return parsed != null && parsed.isValueNode() ? parsed : TextNode.valueOf(text);
        } catch (JacksonException e) {
            return TextNode.valueOf(text);
        }
    }

    private String fail(String path, String reason) {
        problems.add(origins.problem(path, reason));
        failed.add(path);
        return null;
    }
}
