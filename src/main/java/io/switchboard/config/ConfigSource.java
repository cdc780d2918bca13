package io.switchboard.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Where a running engine's configuration comes from, so that it can be read again on reload. */
public interface ConfigSource {

    /**
     * Reads and checks the configuration as it is now.
     *
     * @throws ConfigException listing every problem found
     */
    SwitchboardConfig load();

    /** What to call this source in logs and answers, e.g. the file's path. */
    String name();

    /** {@code file} with {@code profile} layered over it, then the {@code SWITCHBOARD_*} variables of {@code env}. */
    static ConfigSource file(Path file, Optional<String> profile, Map<String, String> env) {
        Map<String, String> variables = Map.copyOf(env);
        return new ConfigSource() {
            @Override
            public SwitchboardConfig load() {
                return ConfigLoader.load(file, profile, variables);
            }

            @Override
            public String name() {
                return profile.map(p -> file + " (profile " + p + ")").orElse(file.toString());
            }
        };
    }
}
