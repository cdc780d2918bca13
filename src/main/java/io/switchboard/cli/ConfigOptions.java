package io.switchboard.cli;

import io.switchboard.config.ConfigSource;
import io.switchboard.config.SwitchboardConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** The options every command that reads a config shares. */
final class ConfigOptions {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "YAML configuration file. Any key can be overridden with SWITCHBOARD_<KEY_PATH> variables.")
    Path file;

    @Option(names = {"-p", "--profile"}, paramLabel = "NAME",
            description = "Layer <config dir>/NAME.yaml over the base file (e.g. production).")
    String profile;

    /** Logs the config-loaded event with what the engine will build. */
    void logLoaded(SwitchboardConfig config) {
        org.slf4j.LoggerFactory.getLogger(ConfigOptions.class).atInfo()
                .addKeyValue("event", "config_loaded")
                .addKeyValue("file", file.toString())
                .addKeyValue("profile", profile)
                .addKeyValue("classes", config.classes().size())
                .addKeyValue("pools", config.pools().keySet())
                .addKeyValue("workers", config.pools().values().stream().mapToInt(p -> p.workers().size()).sum())
                .log("configuration loaded");
    }

    /** The file and profile named on the command line, under this process's environment. */
    ConfigSource source() {
        return ConfigSource.file(file, Optional.ofNullable(profile), System.getenv());
    }

    SwitchboardConfig load() {
        return source().load();
    }
}
