package io.switchboard.cli;

import io.switchboard.Switchboard;
import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.ConfigSource;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.demo.SimulatedFleet;
import io.switchboard.demo.SimulatedWorker;
import io.switchboard.demo.TrafficGenerator;
import io.switchboard.dispatch.PoolDispatcher;
import io.switchboard.dispatch.Worker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** {@code switchboard demo}: the engine with a simulated fleet and gentle traffic, ready to poke at. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the engine with the bundled development config, a simulated worker fleet",
                "(opus-1 on :9101, sonnet-1..4 on :9201-9204, each with a /fault knob) and a traffic generator.",
                "Ctrl-C drains and exits."})
final class DemoCommand implements Callable<Integer> {

    private static final String BUNDLED = "config/development.yaml";

    @picocli.CommandLine.Mixin
    LoggingOptions logging;

    @Option(names = "--port", defaultValue = "8080", description = "Engine port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--rate", defaultValue = "5", description = "Generated requests per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--no-traffic", description = "Do not generate traffic; only you send requests.")
    boolean noTraffic;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Use this config instead of the bundled one (its workers should point at the demo ports).")
    Path config;

    @Option(names = "--status-every", defaultValue = "15", paramLabel = "SECONDS",
            description = "Print a status line this often; 0 turns it off (default ${DEFAULT-VALUE}).")
    int statusEvery;

    @Override
    public Integer call() throws Exception {
        ConfigSource source = configSource();
        SwitchboardConfig cfg;
        try {
            cfg = source.load();
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        LoggingOptions.apply(cfg);
        try (SimulatedFleet fleet = SimulatedFleet.start();
             Switchboard engine = Switchboard.create(cfg, source).start();
             TrafficGenerator traffic = TrafficGenerator.create(
                     java.net.URI.create("http://127.0.0.1:" + engine.port() + "/v1/route"),
                     new io.switchboard.demo.TrafficSettings(rate, 32, java.time.Duration.ofSeconds(30)),
                     new java.util.SplittableRandom(), io.switchboard.time.Ticker.system())) {
            if (!noTraffic) {
                traffic.start();
            }
            printBanner(engine.port(), fleet, cfg.auth());
            ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("demo-status").daemon().factory());
            if (statusEvery > 0) {
                status.scheduleAtFixedRate(() -> System.out.println(statusLine(engine, traffic)),
                        statusEvery, statusEvery, TimeUnit.SECONDS);
            }
            Shutdown.onReloadSignal(engine::reload);
            Shutdown.awaitSignal();
            System.out.println("\nswitchboard demo: stopping traffic, draining the engine, stopping the fleet...");
            status.shutdownNow();
            traffic.stop();
        }
        return 0;
    }

    private ConfigSource configSource() throws IOException {
        Path file = config;
        if (file == null) {
            Path local = Path.of(BUNDLED);
            if (Files.isRegularFile(local)) {
                file = local;
            } else {
                file = Files.createTempFile("switchboard-demo-", ".yaml");
                file.toFile().deleteOnExit();
                try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream(BUNDLED)) {
                    if (in == null) {
                        throw new IOException("the bundled " + BUNDLED + " is missing from the jar");
                    }
                    Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(ConfigLoader.ENV_PREFIX + "SERVER_PORT", Integer.toString(port));
        return ConfigSource.file(file, Optional.empty(), env);
    }

    private static void printBanner(int port, SimulatedFleet fleet, io.switchboard.config.AuthConfig auth) {
        String base = "localhost:" + port;
        StringJoiner workers = new StringJoiner("\n");
        for (SimulatedWorker w : fleet.workers()) {
            workers.add(String.format("    %-9s %s   (faults: curl -s -X POST -d '{\"error_rate\":1.0}' localhost:%d/fault)",
                    w.id(), w.url(), w.port()));
        }
        System.out.println("""

                Switchboard demo is running.
                  dashboard   http://%1$s/
                  engine      http://%1$s      health: /health   readiness: /ready   metrics: /metrics
                  auth        %3$s
                  workers
                %2$s

                Try:
                  curl -s -H 'content-type: application/json' -d '{"content":"analyze the long-term strategy for the gym"}' %1$s/v1/route
                  curl -s -H 'content-type: application/json' -d '{"content":"press the red button"}' %1$s/v1/route
                  curl -s -H 'content-type: application/json' -d '{"content":"plan the next release"}' %1$s/v1/classify
                  curl -s -H 'content-type: application/json' -d '{"content":"plan the migration"}' %1$s/v1/messages   # stored; then GET %1$s/v1/messages/ID
                  curl -s -X POST -d '{"error_rate":1.0}' localhost:9201/fault     # break sonnet-1; its circuit opens, traffic moves
                  curl -s -X DELETE localhost:9201/fault                           # heal it again

                Ctrl-C drains in-flight requests and exits.
                """.formatted(base, workers, auth.enabled()
                ? "API keys required (" + auth.keys().size() + " configured): add -H 'Authorization: Bearer KEY' below"
                : "off (auth: {mode: disabled}): every endpoint is open to anyone who can reach the port"));
    }

    private static String statusLine(Switchboard engine, TrafficGenerator traffic) {
        var s = traffic.stats();
        StringJoiner pools = new StringJoiner("  ");
        for (PoolDispatcher p : engine.pools().values()) {
            StringJoiner ws = new StringJoiner(" ");
            for (Worker w : p.workers()) {
                ws.add(w.id() + "=" + w.inFlight() + "/" + w.breaker().getState().name().toLowerCase());
            }
            pools.add(p.name() + "[waiting " + p.waiting() + ": " + ws + "]");
        }
        return "status: traffic sent=" + s.sent() + " ok=" + s.ok() + " failed=" + s.failed() + "  " + pools;
    }
}
