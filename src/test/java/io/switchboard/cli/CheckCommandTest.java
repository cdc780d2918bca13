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
    void secretsReadFromFilesAreNeverPrinted() throws Exception {
        Path password = Files.writeString(dir.resolve("redis-password"), "r3dis-pa55\n");
        Path key = Files.writeString(dir.resolve("api-key"), "sk-live-0123456789\n");
        Path file = dir.resolve("secrets.yaml");
        Files.writeString(file, """
                auth: {mode: disabled}
                classes: [{name: chat, patterns: ["hello"]}]
                default_class: chat
                pools: {main: {workers: [{id: a, url: "https://bot:${file:%s}@api.example.com/v1?key=${file:%s}"}]}}
                routes: [{class: chat, pool: main}]
                store: {type: redis, url: "redis://:${file:%s}@127.0.0.1:6379"}
                events: [{type: redis-pubsub, url: "redis://:${file:%s}@127.0.0.1:6379", channel: done}]
                """.formatted(key, key, password, password));

        Run r = run("check", "--config", file.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("https://bot:***@api.example.com/v1?***").contains("redis 127.0.0.1:6379")
                .doesNotContain("r3dis-pa55").doesNotContain("sk-live-0123456789");

        Files.writeString(file, Files.readString(file).replace("https://bot", "ftp://bot"));
        Run invalid = run("check", "--config", file.toString());
        assertThat(invalid.exit()).isEqualTo(1);
        assertThat(invalid.err()).contains(file + ":pools.main.workers[0].url:")
                .doesNotContain("sk-live-0123456789");
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
