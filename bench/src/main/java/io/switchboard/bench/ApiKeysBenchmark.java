package io.switchboard.bench;

import io.switchboard.admission.ApiKeys;
import io.switchboard.admission.Authentication;
import io.switchboard.admission.Scope;
import io.switchboard.config.ApiKeyConfig;
import io.switchboard.config.AuthConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What an API key costs each request: hashing the presented key and comparing it, in constant time, with every
 * configured hash, for 1, 10 and 100 configured keys; a known key (the last one configured, though the comparison
 * never stops early anyway) and an unknown one.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ApiKeysBenchmark {

    @Param({"1", "10", "100"})
    public int keys;

    private ApiKeys configured;
    private String known;

    @Setup
    public void setUp() {
        List<ApiKeyConfig> list = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            String key = "sb_benchmark-key-" + i + "-0123456789abcdefghijklmnopqrstuvwxyz";
            list.add(new ApiKeyConfig("client-" + i, ApiKeys.sha256Hex(key), List.of("route"), null));
            known = key;
        }
        configured = ApiKeys.of(new AuthConfig("keys", list, null, null));
    }

    @Benchmark
    public Authentication knownKey() {
        return configured.authenticate(known, Scope.ROUTE);
    }

    @Benchmark
    public Authentication unknownKey() {
        return configured.authenticate("sb_not-a-configured-key-0123456789abcdefghijklmnopqrstuvwxyz", Scope.ROUTE);
    }
}
