package io.switchboard.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code ${env:NAME}} and {@code ${file:PATH}} in any scalar: resolved before binding, never echoed in a problem. */
class ReferencesTest {

    static final String BASE = """
            auth: {mode: disabled}
            classes: [{name: chat, patterns: ['hello']}]
            default_class: chat
            routes: [{class: chat, pool: main}]
            """;

    @TempDir
    Path dir;

    @Test
    void environmentAndFileReferencesResolveAnywhereInAScalar() {
        Path secret = write("redis-password", "s3cr3t-from-file\n");
        Path file = write("switchboard.yaml", BASE + """
                server: {port: "${env:PORT}"}
                pools:
                  main:
                    workers: [{id: w, url: "https://${env:WORKER_HOST}/v1?key=${env:API_KEY}", max_concurrency: "${env:CONCURRENCY}"}]
                store: {type: redis, url: "redis://:${file:%s}@127.0.0.1:6379"}
                """.formatted(secret));

        SwitchboardConfig config = ConfigLoader.load(file, Optional.empty(), Map.of(
                "PORT", "9443", "WORKER_HOST", "api.example.com", "API_KEY", "sk-123", "CONCURRENCY", "7"));

        assertThat(config.server().port()).isEqualTo(9443);
        WorkerConfig worker = config.pools().get("main").workers().getFirst();
        assertThat(worker.url()).isEqualTo("https://api.example.com/v1?key=sk-123");
        assertThat(worker.maxConcurrency()).isEqualTo(7);
        assertThat(config.store().url()).isEqualTo("redis://:s3cr3t-from-file@127.0.0.1:6379");
    }

    @Test
    void doubledDollarIsALiteralDollarBraceAndFileContentKeepsAllButOneTrailingNewline() {
        Path lines = write("lines", "one\ntwo\n\n");
        Path file = write("switchboard.yaml", BASE + """
                pools: {main: {workers: [{id: w, url: "http://127.0.0.1:9101/work"}]}}
                events: [{type: log, template: {home: "$${HOME} and $$ and ${env:USER_NAME}", lines: "${file:%s}"}}]
                """.formatted(lines));

        SwitchboardConfig config = ConfigLoader.load(file, Optional.empty(), Map.of("USER_NAME", "ada"));

        assertThat(config.events().getFirst().template())
                .containsEntry("home", "${HOME} and $$ and ada")
                .as("only one trailing newline is dropped").containsEntry("lines", "one\ntwo\n");
    }

    @Test
    void unresolvableReferencesAreReportedAtTheirKeys() {
        Path file = write("switchboard.yaml", BASE + """
                server: {host: "${env:MISSING}", port: "${file:%s}"}
                pools: {main: {workers: [{id: "${secret:x}", url: "http://${env:HOST"}]}}
                store: {type: redis, url: "${env:not-a-name}"}
                """.formatted(dir.resolve("absent")));

        assertThat(problems(file, Map.of())).containsExactly(
                problem(file, "server.host", "${env:MISSING} is not set"),
                problem(file, "server.port", "${file:" + dir.resolve("absent") + "} cannot be read: no such file "
                        + "(looked for " + dir.resolve("absent").toAbsolutePath() + ")"),
                problem(file, "pools.main.workers[0].id",
                        "${secret:x} is not a reference; use ${env:NAME} or ${file:PATH}, or write $${ for a literal ${"),
                problem(file, "pools.main.workers[0].url",
                        "'${' is not closed; use ${env:NAME} or ${file:PATH}, or write $${ for a literal ${"),
                problem(file, "store.url", "${env:not-a-name} does not name an environment variable (letters, digits "
                        + "and '_')"));
    }

    @Test
    void aValueThatCameFromAReferenceIsNeverQuotedInAProblem() {
        Path file = write("switchboard.yaml", BASE + """
                pools: {main: {workers: [{id: w, url: "${env:WORKER_URL}"}]}}
                server: {port: "${env:PORT}"}
                """);

        List<ConfigProblem> problems = problems(file, Map.of("WORKER_URL", "ftp://user:hunter2-secret@host/x",
                "PORT", "sk-99"));

        assertThat(problems).containsExactly(
                problem(file, "server.port", "expected an integer, got '${env:PORT}'"),
                problem(file, "pools.main.workers[0].url",
                        "'${env:WORKER_URL}' must be an absolute http:// or https:// URL"));
    }

    @Test
    void environmentOverrideMayItselfBeAReference() {
        Path password = write("password", "from-file");
        Path file = write("switchboard.yaml", BASE + "pools: {main: {workers: [{id: w, url: \"http://a/work\"}]}}\n"
                + "store: {type: redis, url: \"redis://127.0.0.1:6379\"}\n");

        SwitchboardConfig config = ConfigLoader.load(file, Optional.empty(),
                Map.of("SWITCHBOARD_STORE_URL", "redis://:${file:" + password + "}@10.0.0.1:6379"));
        assertThat(config.store().url()).isEqualTo("redis://:from-file@10.0.0.1:6379");

        assertThat(problems(file, Map.of("SWITCHBOARD_STORE_URL", "${env:REDIS_URL}"))).containsExactly(
                new ConfigProblem("$SWITCHBOARD_STORE_URL", "store.url", "${env:REDIS_URL} is not set"));
    }

    @Test
    void summaryMasksPasswordsAndQueriesOfWorkerUrls() {
        Path file = write("switchboard.yaml", BASE + """
                pools:
                  main:
                    workers:
                      - {id: a, url: "https://bot:${env:PASSWORD}@api.example.com:8443/v1/chat?key=${env:KEY}"}
                      - {id: b, url: "https://${env:TOKEN}@api.example.com/v1"}
                      - {id: c, url: "http://127.0.0.1:9101/work"}
                store: {type: redis, url: "rediss://default:${env:PASSWORD}@redis.internal:6380"}
                """);

        String summary = ConfigSummary.render(ConfigLoader.load(file, Optional.empty(),
                Map.of("PASSWORD", "pa55word", "KEY", "sk-live-1", "TOKEN", "ghp_token")));

        assertThat(summary)
                .contains("a  https://bot:***@api.example.com:8443/v1/chat?***")
                .contains("b  https://***@api.example.com/v1")
                .contains("c  http://127.0.0.1:9101/work")
                .contains("store     redis redis.internal:6380")
                .doesNotContain("pa55word").doesNotContain("sk-live-1").doesNotContain("ghp_token");
    }

    private static ConfigProblem problem(Path file, String key, String reason) {
        return new ConfigProblem(file.toString(), key, reason);
    }

    private static List<ConfigProblem> problems(Path file, Map<String, String> env) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(file, Optional.empty(), env));
        assertThat(e).as("expected the configuration to be rejected").isNotNull();
        return e.problems();
    }

    private Path write(String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
