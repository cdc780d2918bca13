package io.switchboard.config;

import io.switchboard.testing.TestCerts;
import io.switchboard.testing.TestCerts.Identity;
import org.junit.jupiter.api.BeforeAll;
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

/** The PEM files of {@code server.tls} and {@code delivery.tls} are checked at load, each problem naming its key. */
class TlsConfigTest {

    static final String BASE = """
            auth: {mode: disabled}
            classes: [{name: chat, patterns: ['hello']}]
            default_class: chat
            pools: {main: {workers: [{id: w, url: "https://127.0.0.1:9443/work"}]}}
            routes: [{class: chat, pool: main}]
            """;

    @TempDir
    static Path certs;
    static TestCerts ca;
    static Identity server;
    static Identity other;

    @TempDir
    Path dir;

    @BeforeAll
    static void issue() {
        ca = TestCerts.ca(certs, "Config Test CA");
        server = ca.server("server", "DNS:localhost");
        other = ca.server("other", "DNS:localhost");
    }

    @Test
    void validServerAndDeliveryTlsAreBound() throws Exception {
        Path file = write("""
                server: {tls: {cert: "%s", key: "%s"}}
                delivery: {tls: {ca: "%s", cert: "%s", key: "%s"}}
                """.formatted(server.cert(), server.key(), ca.cert(), other.cert(), other.key()));

        SwitchboardConfig config = ConfigLoader.load(file, Optional.empty(), Map.of());

        assertThat(config.server().tls().cert()).isEqualTo(server.cert().toString());
        assertThat(config.server().tls().keyStore().size()).isEqualTo(1);
        assertThat(config.delivery().tls().includeSystemCas()).isFalse();
        assertThat(config.delivery().tls().trustStore().size()).isEqualTo(1);
        assertThat(config.delivery().tls().keyStore().size()).isEqualTo(1);
    }

    @Test
    void missingFilesAndFilesWithoutWhatTheyShouldHoldAreNamedByKey() {
        Path missing = dir.resolve("missing.pem");
        Path file = write("""
                server: {tls: {cert: "%s", key: "%s"}}
                delivery: {tls: {ca: "%s"}}
                """.formatted(missing, server.cert(), server.key()));

        assertThat(problems(file)).containsExactly(
                new ConfigProblem(file.toString(), "server.tls.cert", "no such file (looked for " + missing + ")"),
                new ConfigProblem(file.toString(), "delivery.tls.ca",
                        "holds no certificate (expected -----BEGIN CERTIFICATE-----)"));
    }

    @Test
    void keyMustMatchTheCertificateAndItsPasswordMustBeGiven() {
        Path encrypted = ca.encrypted(server, "pw");
        Path file = write("""
                server: {tls: {cert: "%s", key: "%s"}}
                delivery: {tls: {cert: "%s", key: "%s"}}
                """.formatted(server.cert(), other.key(), server.cert(), encrypted));

        assertThat(problems(file)).containsExactly(
                new ConfigProblem(file.toString(), "server.tls.key", "does not match the certificate for CN=server"),
                new ConfigProblem(file.toString(), "delivery.tls.key", "holds an encrypted key; set key_password"));
    }

    @Test
    void incompleteSectionsSayWhatIsMissing() {
        Path file = write("""
                server: {tls: {cert: "%s"}}
                delivery: {tls: {include_system_cas: true, key_password: x}}
                """.formatted(server.cert()));

        assertThat(problems(file)).containsExactly(
                new ConfigProblem(file.toString(), "server.tls.key",
                        "is required with cert: the PEM file of its private key"),
                new ConfigProblem(file.toString(), "delivery.tls",
                        "needs ca (the CAs to trust), or cert and key (a client certificate), or all three"));
        Path systemWithoutCa = write("delivery: {tls: {include_system_cas: true, cert: \"%s\", key: \"%s\"}}\n"
                .formatted(server.cert(), server.key()));
        assertThat(problems(systemWithoutCa)).containsExactly(new ConfigProblem(systemWithoutCa.toString(),
                "delivery.tls.include_system_cas", "goes with ca; without ca the JDK's default CAs are trusted"));
    }

    @Test
    void summaryNamesTheFilesButNotTheKeyPassword() {
        Path encrypted = ca.encrypted(server, "do-not-print");
        Path file = write("""
                server: {tls: {cert: "%s", key: "%s", key_password: do-not-print}}
                delivery: {tls: {ca: "%s", include_system_cas: true}}
                """.formatted(server.cert(), encrypted, ca.cert()));

        String summary = ConfigSummary.render(ConfigLoader.load(file, Optional.empty(), Map.of()));

        assertThat(summary)
                .contains("https (HTTP/1.1 over TLS): certificate " + server.cert() + ", key " + encrypted + " (encrypted)")
                .contains("https workers: trusting the CAs in " + ca.cert() + " and the JDK's")
                .doesNotContain("do-not-print");
    }

    private List<ConfigProblem> problems(Path file) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(file, Optional.empty(), Map.of()));
        assertThat(e).as("expected the configuration to be rejected").isNotNull();
        return e.problems();
    }

    private Path write(String yaml) {
        try {
            return Files.writeString(Files.createTempFile(dir, "tls-", ".yaml"), BASE + yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
