package io.switchboard.ingress.http;

import io.switchboard.Switchboard;
import io.switchboard.testing.Engines;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestWorker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard page and its assets come from the jar with the right types and are never cached stale. */
class DashboardAssetsTest {

    @TempDir
    Path dir;
    TestWorker worker;
    Switchboard engine;

    @BeforeEach
    void start() {
        worker = TestWorker.start("a");
        engine = Engines.start(dir, """
                server: {port: 0}
                classes: [{name: chat, patterns: ["hello"]}]
                default_class: chat
                pools: {main: {workers: [{id: a, url: "{{a}}"}]}}
                routes: [{class: chat, pool: main}]
                """, worker);
    }

    @AfterEach
    void stop() {
        engine.close();
        worker.close();
    }

    @Test
    void pageAndAssetsAreServedWithTheirTypesAndNoCache() {
        var page = Http.get(engine.port(), "/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(page.text()).contains("<script src=\"/dashboard/app.js\">").contains("/dashboard/style.css")
                .doesNotContain("http://").doesNotContain("https://");

        var script = Http.get(engine.port(), "/dashboard/app.js");
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(script.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(script.text()).contains("/v1/stats");

        var style = Http.get(engine.port(), "/dashboard/style.css");
        assertThat(style.status()).isEqualTo(200);
        assertThat(style.contentType()).isEqualTo("text/css; charset=utf-8");
    }

    @Test
    void onlyTheKnownAssetsAreServedAndOnlyToGetAndHead() throws Exception {
        assertThat(Http.get(engine.port(), "/dashboard/missing.js").status()).isEqualTo(404);
        assertThat(Http.get(engine.port(), "/dashboard/../logback.xml").status()).isEqualTo(404);
        assertThat(Http.get(engine.port(), "/index.html").status()).isEqualTo(404);
        var post = Http.postJson(engine.port(), "/", "{}");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("Allow")).isEqualTo("GET");
        assertThat(Http.postJson(engine.port(), "/v1/stats", "{}").status()).isEqualTo(405);

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var head = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.port() + "/"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(head.body()).isEmpty();
    }
}
