package io.switchboard.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a YAML configuration file, layers an optional profile file and {@code SWITCHBOARD_*} environment variables
 * over it, resolves {@code ${env:NAME}} and {@code ${file:PATH}} references, and binds the result to a validated
 * {@link SwitchboardConfig}.
 *
 * <p>The profile {@code p} of {@code dir/base.yaml} is {@code dir/p.yaml}: maps are merged key by key (the profile
 * wins), anything else, lists included, is replaced whole. Every problem found is reported at once in a
 * {@link ConfigException}, each naming the file, the key path and what is wrong.
 */
public final class ConfigLoader {

    /** Environment variables with this prefix override configuration keys. */
    public static final String ENV_PREFIX = "SWITCHBOARD_";

    /** Variables with {@link #ENV_PREFIX} that the launcher reads; they are not configuration keys. */
    public static final Set<String> LAUNCHER_VARIABLES = Set.of(
            "SWITCHBOARD_HOME", "SWITCHBOARD_JAVA_OPTS", "SWITCHBOARD_LOG_LEVEL", "SWITCHBOARD_CONFIG",
            "SWITCHBOARD_PROFILE");

    private static final Pattern PROFILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .withCoercionConfig(LogicalType.Textual, text -> text
                    // Unquoted numbers and booleans are fine where text is expected (a worker id of 1, a keyword 2024).
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.TryConvert)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.TryConvert))
            .build();

    private ConfigLoader() {
    }

    /** Loads {@code file} with no profile, overridden by the process environment. */
    public static SwitchboardConfig load(Path file) {
        return load(file, Optional.empty(), System.getenv());
    }

    /**
     * Loads {@code file}, layers {@code profile} (see {@link #profileFile}) and then the {@code SWITCHBOARD_*}
     * variables of {@code env} over it.
     *
     * @throws ConfigException listing every problem found
     */
    public static SwitchboardConfig load(Path file, Optional<String> profile, Map<String, String> env) {
        List<ConfigProblem> problems = new ArrayList<>();
        String baseName = file.toString();
        JsonNode base = read(file, baseName, problems);
        ObjectNode profileTree = null;
        String profileName = null;
        if (profile.isPresent()) {
            if (!PROFILE_NAME.matcher(profile.get()).matches()) {
                problems.add(new ConfigProblem(baseName, "", "profile '" + profile.get()
                        + "' is not a valid profile name (letters, digits, '_' and '-')"));
            } else {
                Path profilePath = profileFile(file, profile.get());
                profileName = profilePath.toString();
                if (Files.notExists(profilePath)) {
                    problems.add(new ConfigProblem(profileName, "", "profile '" + profile.get()
                            + "' not found: expected the file " + profileName + " next to " + baseName));
                } else {
                    profileTree = topLevel(read(profilePath, profileName, problems), profileName, problems);
                }
            }
        }
        ObjectNode tree = topLevel(base, baseName, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        Origins origins = new Origins(baseName);
        if (profileTree != null) {
            merge(tree, profileTree, "", origins, profileName);
        }
        new EnvOverrides(YAML, origins, problems).apply(tree, env, ENV_PREFIX, LAUNCHER_VARIABLES);
        References references = new References(YAML, origins, env, problems);
        references.resolve(tree);
        Binder binder = new Binder(YAML, origins);
        SwitchboardConfig config = binder.bindRoot(tree, SwitchboardConfig.class);
        problems.addAll(references.hide(binder.problems()));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /** The file of {@code profile} for the base file {@code file}: {@code <profile>.yaml} in the same directory. */
    public static Path profileFile(Path file, String profile) {
        return file.resolveSibling(profile + ".yaml");
    }

    private static JsonNode read(Path file, String name, List<ConfigProblem> problems) {
        if (Files.isDirectory(file)) {
            problems.add(new ConfigProblem(name, "", "is a directory, not a configuration file"));
            return null;
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            problems.add(new ConfigProblem(name, "", "no such file (looked for " + file.toAbsolutePath() + ")"));
            return null;
        } catch (AccessDeniedException e) {
            problems.add(new ConfigProblem(name, "", "cannot be read: permission denied"));
            return null;
        } catch (CharacterCodingException e) {
            problems.add(new ConfigProblem(name, "", "is not valid UTF-8"));
            return null;
        } catch (IOException e) {
            problems.add(new ConfigProblem(name, "", "cannot be read: " + e.getMessage()));
            return null;
        }
        try {
            JsonNode tree = YAML.readTree(text);
            return tree == null || tree.isMissingNode() ? YAML.createObjectNode() : tree;
        } catch (JacksonException e) {
            problems.add(syntaxProblem(name, e));
            return null;
        }
    }

    private static ConfigProblem syntaxProblem(String name, JacksonException e) {
        // The YAML parser's own exception separates the problem from its context, each with an exact position.
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            Mark at = marked.getProblemMark();
            String reason = marked.getProblem() == null ? "invalid YAML" : marked.getProblem().strip();
            Mark context = marked.getContextMark();
            if (marked.getContext() != null && context != null) {
                reason += " (" + marked.getContext().strip() + " that starts at line " + (context.getLine() + 1)
                        + ", column " + (context.getColumn() + 1) + ")";
            }
            return new ConfigProblem(name, (at.getLine() + 1) + ":" + (at.getColumn() + 1), reason);
        }
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? "" : at.getLineNr() + ":" + at.getColumnNr();
        return new ConfigProblem(name, where, firstLine(e).replace("Duplicate field", "duplicate key"));
    }

    private static ObjectNode topLevel(JsonNode tree, String name, List<ConfigProblem> problems) {
        if (tree == null) {
            return null;
        }
        if (tree.isNull()) {
            return YAML.createObjectNode();
        }
        if (tree instanceof ObjectNode object) {
            return object;
        }
        problems.add(new ConfigProblem(name, "", "expected a map of settings at the top level, got "
                + Binder.describe(tree)));
        return null;
    }

    /** Deep-merges {@code overlay} into {@code target}: maps key by key, anything else replaced whole. */
    static void merge(ObjectNode target, ObjectNode overlay, String path, Origins origins, String source) {
        for (Map.Entry<String, JsonNode> entry : overlay.properties()) {
            String key = entry.getKey();
            String childPath = KeyPath.child(path, key);
            if (target.get(key) instanceof ObjectNode existing && entry.getValue() instanceof ObjectNode value) {
                merge(existing, value, childPath, origins, source);
            } else {
                target.set(key, entry.getValue().deepCopy());
                origins.set(childPath, source);
            }
        }
    }

    /** The parser's own explanation of a syntax error, without the location and excerpt it appends. */
    static String firstLine(JacksonException e) {
        String message = e.getOriginalMessage();
        if (message == null || message.isBlank()) {
            return "invalid YAML";
        }
        return message.strip().lines().findFirst().orElse("invalid YAML").strip();
    }
}
