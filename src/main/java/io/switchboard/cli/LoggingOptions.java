package io.switchboard.cli;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.observe.LogSetup;
import picocli.CommandLine.Option;

/** The logging options of the commands that run the engine. */
final class LoggingOptions {

    @Option(names = "--log-format", paramLabel = "json|text",
            description = "Log format on stdout: json (one object per line) or text. Default: logging.format from "
                    + "the config, or SWITCHBOARD_LOG_FORMAT; the demo defaults to text.")
    String format;

    /** Applies the config's logging section, honouring a format fixed before logging started. */
    static void apply(SwitchboardConfig config) {
        LogSetup.apply(config.logging(), Main.preferredLogFormat, System.getenv());
    }
}
