package io.switchboard.cli;

import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigSummary;
import io.switchboard.config.SwitchboardConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code switchboard check}: validates a config and prints what it would build. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validate a configuration and print the pools, routes and rules it would build.",
                "Exit code 0 when valid, 1 with one 'file:key.path: reason' line per problem otherwise."})
final class CheckCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() {
        try {
            SwitchboardConfig config = options.load();
            io.switchboard.classify.Classifier.fromConfig(config);
            System.out.print(ConfigSummary.render(config));
            System.out.println("OK: " + options.file + " is valid.");
            return 0;
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        } catch (io.switchboard.config.InvalidValueException e) {
            System.err.println(options.file + ":" + e.key() + ": " + e.reason());
            return 1;
        }
    }
}
