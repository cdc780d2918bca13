package io.switchboard;

import io.switchboard.cluster.Cluster;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.observe.EngineMetrics;
import io.switchboard.time.Ticker;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** An engine shares state with other instances only when its store is Redis. */
class ClusterWiringTest {

    @Test
    void anEngineWithTheEmbeddedStoreSharesNothing() throws Exception {
        SwitchboardConfig config = ConfigLoader.load(Path.of("config", "development.yaml"), Optional.empty(), Map.of());
        try (EngineMetrics metrics = EngineMetrics.create(config, Ticker.system())) {
            assertThat(config.store().type()).isEqualTo("embedded");
            assertThat(Switchboard.clusterFor(config, List.of(), metrics)).isSameAs(Cluster.LOCAL);
        }
    }
}
