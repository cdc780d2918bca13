package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A pool of interchangeable workers and how to pick among them.
 *
 * @param strategy one of {@link #STRATEGIES} (default round-robin)
 * @param hashKey  metadata key whose value keeps a message sticky under consistent-hash
 * @param required whether readiness needs a usable worker here (default true)
 * @param workers  at least one
 */
public record PoolConfig(
        @JsonProperty("strategy") String strategy,
        @JsonProperty("hash_key") String hashKey,
        @JsonProperty("required") Boolean required,
        @JsonProperty("workers") List<WorkerConfig> workers) {

    public static final List<String> STRATEGIES = List.of("round-robin", "weighted-round-robin", "least-loaded",
            "power-of-two", "latency-aware", "consistent-hash");

    public PoolConfig {
        strategy = Check.orDefault(strategy, "round-robin");
        if (!STRATEGIES.contains(strategy)) {
            throw new InvalidValueException("strategy", "unknown strategy '" + strategy + "'"
                    + Suggest.hint(strategy, STRATEGIES) + "; one of " + String.join(", ", STRATEGIES));
        }
        required = Check.orDefault(required, true);
        if ("consistent-hash".equals(strategy) && (hashKey == null || hashKey.isBlank())) {
            throw new InvalidValueException("hash_key", "is required by the consistent-hash strategy");
        }
        if (workers == null || workers.isEmpty()) {
            throw new InvalidValueException("workers", "a pool needs at least one worker");
        }
        workers = List.copyOf(workers);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < workers.size(); i++) {
            if (!ids.add(workers.get(i).id())) {
                throw new InvalidValueException("workers[" + i + "].id", "duplicate worker id '" + workers.get(i).id() + "'");
            }
        }
    }
}
