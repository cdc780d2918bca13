package io.switchboard.config;

import io.switchboard.admission.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The access keys (auth, rate limits, CORS, the admin listener): how they bind, and every mistake as file:key: reason. */
class AccessConfigTest {

    /** The loader test's base config without its auth section. */
    static final String BASE = ConfigLoaderTest.BASE.replace("auth: {mode: disabled}\n", "");
    static final String HASH = ApiKeys.sha256Hex("a-key-for-the-config-tests");

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("switchboard.yaml"), yaml);
    }

    private SwitchboardConfig load(String yaml) throws IOException {
        return ConfigLoader.load(write(yaml), Optional.empty(), Map.of());
    }

    private List<String> problems(String yaml) throws IOException {
        return problems(yaml, Map.of());
    }

    private List<String> problems(String yaml, Map<String, String> env) throws IOException {
        Path file = write(yaml);
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(file, Optional.empty(), env));
        assertThat(e).as("expected the configuration to be rejected").isNotNull();
        return e.problems().stream().map(p -> p.toString().substring(p.toString().indexOf(':') + 1)).toList();
    }

    @Test
    void withoutAnAuthSectionTheConfigIsRefusedWithBothWaysOut() throws IOException {
        Path file = write(BASE);
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(file, Optional.empty(), Map.of()));

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.toString()).startsWith(file + ":auth: is required");
            assertThat(p.reason()).contains("sha256", "hash-key", "mode: disabled");
        });
    }

    @Test
    void keysBindWithTheirScopesAndLimitsAndTheOpeningsDefaultToLoopback() throws IOException {
        SwitchboardConfig c = load(BASE + """
                auth:
                  keys:
                    - {name: producer, sha256: %s, scopes: [route, submit], rate_limit: {per_second: 2.5}}
                    - {name: ops, sha256: "%s", scopes: [read, admin]}
                """.formatted(HASH, ApiKeys.sha256Hex("another").toUpperCase()));

        AuthConfig auth = c.auth();
        assertThat(auth.enabled()).isTrue();
        assertThat(auth.openMetrics()).isEqualTo("loopback");
        assertThat(auth.openDashboard()).isEqualTo("loopback");
        assertThat(auth.keys()).extracting(ApiKeyConfig::name).containsExactly("producer", "ops");
        assertThat(auth.keys().get(0).rateLimit()).isEqualTo(new RateLimitConfig(2.5, 3));
        assertThat(auth.keys().get(1).sha256()).as("hex in either case").isEqualTo(ApiKeys.sha256Hex("another"));
        assertThat(ConfigSummary.render(c))
                .contains("auth      2 API keys; without a key: metrics open from this machine, dashboard open from this machine")
                .contains("producer  route, submit  max 2.5/s, burst 3")
                .doesNotContain(HASH);
    }

    @Test
    void everyMistakeInAKeyIsNamedAndNoValueIsEchoed() throws IOException {
        assertThat(problems(BASE + "auth: {}\n")).singleElement().asString()
                .startsWith("auth.keys: mode keys needs at least one key").contains("mode: disabled");
        assertThat(problems(BASE + "auth: {mode: disable}\n")).containsExactly(
                "auth.mode: must be keys or disabled, got 'disable' (did you mean 'disabled'?)");
        assertThat(problems(BASE + "auth: {mode: off}\n")).containsExactly(
                "auth.mode: must be keys or disabled, got 'false' (YAML reads an unquoted off or no as false)");
        assertThat(problems(BASE + "auth: {keys: [{name: p, sha256: my-secret-key, scopes: [route]}]}\n"))
                .singleElement().asString().startsWith("auth.keys[0].sha256: must be the SHA-256 of the key as 64 hex"
                        + " digits").doesNotContain("my-secret-key");
        assertThat(problems(BASE + "auth: {keys: [{name: p, scopes: [route]}]}\n")).singleElement().asString()
                .startsWith("auth.keys[0].sha256: is required");
        assertThat(problems(BASE + "auth: {keys: [{name: p, sha256: %s, scopes: [route, raed]}]}\n".formatted(HASH)))
                .containsExactly("auth.keys[0].scopes[1]: unknown scope 'raed' (did you mean 'read'?); one of route, "
                        + "submit, read, admin");
        assertThat(problems(BASE + "auth: {keys: [{name: p, sha256: %s, scopes: []}]}\n".formatted(HASH)))
                .singleElement().asString().startsWith("auth.keys[0].scopes: at least one scope is required");
        assertThat(problems(BASE + "auth: {keys: [{name: p, sha256: %s, scopes: [read, read]}]}\n".formatted(HASH)))
                .containsExactly("auth.keys[0].scopes[1]: scope 'read' is listed twice");
        assertThat(problems(BASE + "auth: {keys: [{name: none, sha256: %s, scopes: [read]}]}\n".formatted(HASH)))
                .singleElement().asString().startsWith("auth.keys[0].name: 'none' is reserved");
        assertThat(problems(BASE + "auth: {open_metrics: sometimes, keys: [{name: p, sha256: %s, scopes: [read]}]}\n"
                .formatted(HASH))).containsExactly("auth.open_metrics: must be always, loopback or never, got "
                + "'sometimes'");
    }

    @Test
    void twoKeysMayNotShareANameOrAHash() throws IOException {
        String other = ApiKeys.sha256Hex("other");
        assertThat(problems(BASE + """
                auth: {keys: [{name: p, sha256: %s, scopes: [read]}, {name: p, sha256: %s, scopes: [read]}]}
                """.formatted(HASH, other))).containsExactly("auth.keys[1].name: key name 'p' is already used by keys[0]");
        assertThat(problems(BASE + """
                auth: {keys: [{name: p, sha256: %s, scopes: [read]}, {name: q, sha256: %s, scopes: [admin]}]}
                """.formatted(HASH, HASH))).singleElement().asString()
                .startsWith("auth.keys[1].sha256: is the same key as keys[0]");
    }

    @Test
    void authCanBeTurnedOffOrGivenKeysFromTheEnvironment() throws IOException {
        Path file = write(BASE);
        SwitchboardConfig off = ConfigLoader.load(file, Optional.empty(), Map.of("SWITCHBOARD_AUTH_MODE", "disabled"));
        SwitchboardConfig keyed = ConfigLoader.load(file, Optional.empty(), Map.of("SWITCHBOARD_AUTH_KEYS",
                "[{name: ops, sha256: " + HASH + ", scopes: [read]}]"));

        assertThat(off.auth().enabled()).isFalse();
        assertThat(ConfigSummary.render(off)).contains("auth      disabled: every endpoint is open");
        assertThat(keyed.auth().keys()).singleElement().extracting(ApiKeyConfig::name).isEqualTo("ops");
    }

    @Test
    void rateLimitsNeedARateAndTakeOneSecondsWorthAsBurst() throws IOException {
        SwitchboardConfig c = load(BASE.replace("{class: tactical, pool: fast}",
                "{class: tactical, pool: fast, rate_limit: {per_second: 20}}") + "auth: {mode: disabled}\n");

        assertThat(c.routeFor("tactical").rateLimit()).isEqualTo(new RateLimitConfig(20.0, 20));
        assertThat(ConfigSummary.render(c)).contains("tactical  -> fast  max 20/s, burst 20");
        assertThat(problems(BASE.replace("{class: tactical, pool: fast}",
                "{class: tactical, pool: fast, rate_limit: {burst: 5}}") + "auth: {mode: disabled}\n"))
                .containsExactly("routes[1].rate_limit.per_second: is required: the requests per second allowed");
        assertThat(problems(BASE.replace("{class: tactical, pool: fast}",
                "{class: tactical, pool: fast, rate_limit: {per_second: 0}}") + "auth: {mode: disabled}\n"))
                .containsExactly("routes[1].rate_limit.per_second: must be more than 0 and at most 1000000, got 0.0");
        assertThat(problems(BASE + "auth: {keys: [{name: p, sha256: %s, scopes: [read], rate_limit: {per_second: 1,"
                .formatted(HASH) + " burst: 0}}]}\n")).containsExactly("auth.keys[0].rate_limit.burst: must be at "
                + "least 1, got 0");
    }

    @Test
    void corsTakesOriginsAndRefusesAStarWithCredentials() throws IOException {
        String off = "auth: {mode: disabled}\n";
        SwitchboardConfig c = load(BASE + off + "server: {cors: {allowed_origins: [\"HTTPS://App.Example.com:443\", "
                + "\"http://localhost:3000\"]}}\n");
        CorsConfig cors = c.server().cors();
        assertThat(cors.allowedOrigins()).containsExactly("https://app.example.com", "http://localhost:3000");
        assertThat(cors.allowCredentials()).isFalse();
        assertThat(cors.maxAgeS()).isEqualTo(600L);

        assertThat(problems(BASE + off + "server: {cors: {allowed_origins: [\"*\"], allow_credentials: true}}\n"))
                .singleElement().asString().startsWith("server.cors.allow_credentials: cannot be true with "
                        + "allowed_origins ['*']");
        assertThat(problems(BASE + off + "server: {cors: {allowed_origins: [\"https://app.example.com/path\"]}}\n"))
                .singleElement().asString().startsWith("server.cors.allowed_origins[0]: 'https://app.example.com/path'"
                        + " is not an origin");
        assertThat(problems(BASE + off + "server: {cors: {allowed_origins: [\"*\", \"https://a.example\"]}}\n"))
                .singleElement().asString().startsWith("server.cors.allowed_origins[0]: '*' allows every origin");
        assertThat(problems(BASE + off + "server: {cors: {allowed_origins: []}}\n")).singleElement().asString()
                .startsWith("server.cors.allowed_origins: at least one origin is required");
    }

    @Test
    void theAdminListenerBindsToLoopbackByDefaultAndNeedsAPortOfItsOwn() throws IOException {
        String off = "auth: {mode: disabled}\n";
        SwitchboardConfig c = load(BASE + off + "server: {port: 8080, admin_port: 8081}\n");
        assertThat(c.server().adminHost()).isEqualTo("127.0.0.1");
        assertThat(ConfigSummary.render(c)).contains("admin endpoints on 127.0.0.1:8081 only");

        assertThat(problems(BASE + off + "server: {port: 8080, admin_port: 8080}\n"))
                .containsExactly("server.admin_port: must differ from port (8080)");
        assertThat(problems(BASE + off + "server: {admin_host: 0.0.0.0}\n"))
                .containsExactly("server.admin_host: goes with admin_port");
        assertThat(load(BASE + off).server().adminPort()).isNull();
    }
}
