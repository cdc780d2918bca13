package io.switchboard.cli;

import io.switchboard.Switchboard;
import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigSource;
import io.switchboard.config.SwitchboardConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code switchboard serve}: runs the engine against real workers until SIGTERM/SIGINT, then drains. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the engine with the given configuration.",
                "SIGTERM or Ctrl-C: /ready turns 503 at once, new requests get 503,",
                "in-flight ones finish within server.drain_timeout_ms, then the process",
                "exits 0.",
                "SIGHUP (or POST /v1/admin/reload) reads the file again and applies",
                "changes to classes, default_class, routes and auth; a change to anything",
                "else is refused, logged, and needs a restart."})
final class ServeCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Mixin
    LoggingOptions logging;

    @Override
    public Integer call() throws Exception {
        ConfigSource source = options.source();
        SwitchboardConfig config;
        try {
            config = source.load();
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.err.println("switchboard: refusing to start with an invalid configuration.");
            return 1;
        }
        LoggingOptions.apply(config);
        options.logLoaded(config);
        try (Switchboard engine = Switchboard.create(config, source)) {
            engine.start();
            Shutdown.onReloadSignal(engine::reload);
            Shutdown.awaitSignal();
        }
        return 0;
    }
}
