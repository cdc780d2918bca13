package io.switchboard.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigSummaryTest {

    @Test
    void showsPoolsWorkersAndRoutesOfTheDevelopmentConfig() {
        SwitchboardConfig config = ConfigLoader.load(Path.of("config", "development.yaml"), Optional.empty(), Map.of());

        String summary = ConfigSummary.render(config);

        assertThat(summary)
                .contains("0.0.0.0:8080")
                .contains("strong  least-loaded, 1 worker")
                .contains("fast  round-robin, 4 workers")
                .contains("opus-1  http://127.0.0.1:9101/work  weight 1  max_concurrency 4")
                .contains("sonnet-4  http://127.0.0.1:9204/work  weight 1  max_concurrency 16")
                .contains("strategic -> strong (fallback fast)")
                .contains("tactical  -> fast")
                .contains("strategic  HIGH     2 rules, top score 10");
    }

    @Test
    void namesTheFieldsAFieldRuleTests(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("fetch.yaml"), ConfigLoaderTest.BASE.replace(
                "patterns: ['(?i)next']", "keywords: [next], fields: {command: fetch, \"meta.source\": scheduler}"));

        String summary = ConfigSummary.render(ConfigLoader.load(file, Optional.empty(), Map.of()));

        assertThat(summary).contains("tactical#0  score 1: 1 keyword, fields command, meta.source");
    }

    @Test
    void showsEachIngressWithWhatItsTypeTakes(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("switchboard.yaml"), """
                classes: [{name: fetch, keywords: [fetch]}]
                default_class: fetch
                pools: {fetchers: {workers: [{id: f1, url: "http://127.0.0.1:9101/work"}]}}
                routes: [{class: fetch, pool: fetchers}]
                ingress:
                  - {type: redis-list, url: "redis://127.0.0.1:6379", key: tg_list, dedup_key: "{chat}:{date}",
                     required_fields: [command, chat]}
                  - {type: redis-stream, url: "redis://127.0.0.1:6379", key: tg_commands, claim_idle_ms: 10000}
                auth: {mode: disabled}
                """);

        String summary = ConfigSummary.render(ConfigLoader.load(file, Optional.empty(), Map.of()));

        assertThat(summary)
                .contains("ingress   redis-list 127.0.0.1:6379 key tg_list, processing list "
                        + "tg_list:processing:<hostname>")
                .contains("\n  dedup {chat}:{date} for 86400000 ms; requires command, chat\n")
                .contains("ingress   redis-stream 127.0.0.1:6379 stream tg_commands, group switchboard as <hostname>; "
                        + "claims after 10000 ms, dead-letters after 5 deliveries, trimmed");
    }
}
