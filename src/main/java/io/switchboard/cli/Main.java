package io.switchboard.cli;

import io.switchboard.observe.LogSetup;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code switchboard} command line: serve, check, demo and hash-key. */
@Command(name = "switchboard",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Message routing engine for LLM and agent workloads.",
        subcommands = {ServeCommand.class, CheckCommand.class, DemoCommand.class, HashKeyCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The console log format fixed by a flag or the environment before logging started, or null. */
    static volatile String preferredLogFormat;

    public static void main(String[] args) {
        // Logback reads its configuration on first use, so the format must be settled before anything logs.
        String flag = logFormatFlag(args);
        if (flag == null && args.length > 0 && args[0].equals("demo") && System.getenv(LogSetup.FORMAT_ENV) == null) {
            flag = "text";
        }
        try {
            preferredLogFormat = LogSetup.preferredFormat(flag, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("switchboard: " + e.getMessage());
            System.exit(2);
        }
        System.exit(commandLine().execute(args));
    }

    static String logFormatFlag(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--log-format") && i + 1 < args.length) {
                return args[i + 1];
            }
            if (args[i].startsWith("--log-format=")) {
                return args[i].substring("--log-format=".length());
            }
        }
        return null;
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setUsageHelpAutoWidth(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Reports the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"switchboard " + (v == null ? "development build" : v)};
        }
    }
}
