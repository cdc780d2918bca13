package io.switchboard.testing;

import io.switchboard.cli.Main;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** An engine running as a process of its own ({@code serve --config}), on this test's class path, logging to a file. */
public final class EngineProcess implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();

    private final Process process;
    private final int port;
    private final Path log;

    private EngineProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code serve --config config} (listening on {@code port}) and returns once {@code /ready} says 200. */
    public static EngineProcess start(Path config, int port, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--config", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        EngineProcess engine = new EngineProcess(p, port, log);
        try {
            await("engine on port " + port + " ready").atMost(30, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .failFast("engine process exited", () -> !p.isAlive())
                    .until(() -> engine.get("/ready").statusCode() == 200);
        } catch (RuntimeException | AssertionError e) {
            p.destroyForcibly();
            throw new AssertionError("engine did not become ready\n" + engine.tail(25), e);
        }
        return engine;
    }

    /** The process itself, for a test that manages its life. */
    public Process process() {
        return process;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Kills the process with SIGKILL and waits until it is gone; its exit status. */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("engine on port " + port + " still alive 10 s after SIGKILL");
        }
        return process.exitValue();
    }

    /** The last {@code lines} lines of its log that are not about single messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log).stream()
                    .filter(l -> !l.contains("message_settled") && !l.contains("event=attempt ")).toList();
            return "--- " + log.getFileName() + "\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")\n";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
