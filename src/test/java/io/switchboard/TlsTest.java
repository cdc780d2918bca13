package io.switchboard;

import io.switchboard.testing.Engines;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestCerts;
import io.switchboard.testing.TestCerts.Identity;
import io.switchboard.testing.TestWorker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HTTPS on the listener, and workers reached over HTTPS with a custom CA and a client certificate. */
class TlsTest {

    static final String CONFIG = """
            server: {port: 0%s}
            classes: [{name: chat, patterns: ["hello"]}]
            default_class: chat
            pools: {main: {workers: [{id: w, url: "{{w}}"}]}}
            routes: [{class: chat, pool: main}]
            delivery: {max_attempts: 1%s}
            """;

    @TempDir
    static Path certs;
    static TestCerts ca;
    static TestCerts otherCa;
    static Identity localhost;
    static Identity client;
    static Identity strangerClient;

    @TempDir
    Path dir;

    @BeforeAll
    static void issue() {
        ca = TestCerts.ca(certs.resolve("ca"), "Switchboard Test CA");
        otherCa = TestCerts.ca(certs.resolve("other"), "Some Other CA");
        localhost = ca.server("localhost", "DNS:localhost,IP:127.0.0.1");
        client = ca.client("engine");
        strangerClient = otherCa.client("stranger");
    }

    private static String config(String serverTls, String deliveryTls) {
        return CONFIG.formatted(serverTls == null ? "" : ", tls: " + serverTls,
                deliveryTls == null ? "" : ", tls: " + deliveryTls);
    }

    private static String tls(String... keysAndPaths) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < keysAndPaths.length; i += 2) {
            out.append(i == 0 ? "" : ", ").append(keysAndPaths[i]).append(": \"").append(keysAndPaths[i + 1])
                    .append('"');
        }
        return out.append('}').toString();
    }

    private static HttpResponse<String> post(SSLContext context, String url) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
        try (client) {
            return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"hello\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void listenerServesHttpsWithTheConfiguredChainAndKey() throws Exception {
        String serverTls = tls("cert", ca.fullChain(localhost).toString(), "key", ca.pkcs1(localhost).toString());
        try (TestWorker w = TestWorker.start("w");
             Switchboard engine = Engines.start(dir, config(serverTls, null), w)) {
            var answer = post(ca.clientContext(null), "https://localhost:" + engine.port() + "/v1/route");

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("\"worker\":\"w\"");
            assertThat(answer.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).startsWith("TLS"));
            assertThatThrownBy(() -> post(otherCa.clientContext(null), "https://localhost:" + engine.port() + "/v1/route"))
                    .as("a client that does not trust the certificate").isInstanceOf(IOException.class);
        }
    }

    @Test
    void listenerServesAnEcCertificateWithAnEncryptedKey() throws Exception {
        Identity ec = ca.ecServer("ec-localhost");
        String serverTls = tls("cert", ec.cert().toString(), "key", ca.encrypted(ec, "pa55").toString(),
                "key_password", "pa55");
        try (TestWorker w = TestWorker.start("w");
             Switchboard engine = Engines.start(dir, config(serverTls, null), w)) {
            assertThat(post(ca.clientContext(null), "https://127.0.0.1:" + engine.port() + "/v1/route").statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void httpsWorkerIsReachedWithTheConfiguredCa() {
        try (TestWorker w = TestWorker.startTls("w", localhost, null);
             Switchboard engine = Engines.start(dir, config(null, tls("ca", ca.cert().toString())), w)) {
            var answer = Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}");

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().path("worker").asText()).isEqualTo("w");
            assertThat(w.count()).isEqualTo(1);
        }
    }

    @Test
    void customCaReplacesTheSystemCasUnlessTheyAreIncluded() {
        try (TestWorker w = TestWorker.startTls("w", localhost, null)) {
            try (Switchboard engine = Engines.start(dir, config(null, null), w)) {
                assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}")
                        .status()).as("the JDK's CAs alone do not know the test CA").isEqualTo(502);
            }
            String both = "{ca: \"" + ca.cert() + "\", include_system_cas: true}";
            try (Switchboard engine = Engines.start(dir, config(null, both), w)) {
                assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}")
                        .status()).isEqualTo(200);
            }
            try (Switchboard engine = Engines.start(dir, config(null, tls("ca", otherCa.cert().toString())), w)) {
                assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}")
                        .status()).as("only the configured CA is trusted").isEqualTo(502);
            }
            assertThat(w.count()).isEqualTo(1);
        }
    }

    @Test
    void workerHostNameIsVerifiedAgainstItsCertificate() {
        Identity elsewhere = ca.server("elsewhere", "DNS:worker.example.com");
        try (TestWorker w = TestWorker.startTls("w", elsewhere, null);
             Switchboard engine = Engines.start(dir, config(null, tls("ca", ca.cert().toString())), w)) {
            var answer = Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}");

            assertThat(answer.status()).isEqualTo(502);
            assertThat(w.count()).isZero();
        }
    }

    @Test
    void workerThatRequiresAClientCertificateAcceptsOnlyTheConfiguredOne() {
        try (TestWorker w = TestWorker.startTls("w", localhost, ca.cert())) {
            String withClient = tls("ca", ca.cert().toString(), "cert", client.cert().toString(),
                    "key", client.key().toString());
            try (Switchboard engine = Engines.start(dir, config(null, withClient), w)) {
                assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}")
                        .status()).isEqualTo(200);
            }
            try (Switchboard engine = Engines.start(dir, config(null, tls("ca", ca.cert().toString())), w)) {
                assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}")
                        .status()).as("no client certificate").isEqualTo(502);
            }
            String withStranger = tls("ca", ca.cert().toString(), "cert", strangerClient.cert().toString(),
                    "key", strangerClient.key().toString());
            try (Switchboard engine = Engines.start(dir, config(null, withStranger), w)) {
                assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}")
                        .status()).as("a client certificate from another CA").isEqualTo(502);
            }
            assertThat(w.count()).isEqualTo(1);
        }
    }
}
