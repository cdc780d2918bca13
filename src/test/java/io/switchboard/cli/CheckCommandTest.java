package io.switchboard.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CheckCommandTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine cli = Main.commandLine();
            int exit = cli.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void validBundledConfigPrintsWhatItWouldBuildAndExitsZero() {
        Run r = run("check", "--config", "config/development.yaml");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("opus-1", "sonnet-4", "strategic", "tactical", "OK");
    }

    @Test
    void productionProfileLayersOverTheBaseAndWantsApiKeys() {
        Run r = run("check", "--config", "config/development.yaml", "--profile", "production");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("auth.keys: mode keys needs at least one key");
    }

    @Test
    void invalidConfigExitsOneWithFileKeyAndReasonLines() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                server: {port: 8080}
                classes: [{name: chat, patterns: ["hello"]}]
                default_class: chat
                pools:
                  main: {workers: [{id: a, url: "ftp://x"}]}
                  other: {strategy: round-robn, workers: [{id: b, url: "http://127.0.0.1:9/w"}]}
                routes: [{class: chat, pool: main}]
                delivery: {timout_ms: 5}
                """);

        Run r = run("check", "--config", file.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(file + ":delivery.timout_ms:").contains("did you mean 'timeout_ms'");
        assertThat(r.err()).contains(file + ":pools.other.strategy:").contains("round-robin");
        assertThat(r.err()).contains(file + ":pools.main.workers[0].url:");
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : new String[] {"serve", "check", "demo", "hash-key"}) {
            Run r = run(cmd, "--help");
            assertThat(r.exit()).isZero();
            assertThat(r.out()).contains("Usage: switchboard " + cmd);
        }
    }
}
