package io.switchboard.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
