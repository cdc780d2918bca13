package io.switchboard.observe;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;

import java.lang.management.ManagementFactory;

/**
 * Keeps Micrometer's process metrics within Prometheus naming rules, so {@code promtool check metrics} finds nothing:
 * {@code system.cpu.count} (a gauge whose name ends in {@code _count}) becomes {@code system_cpu_cores}, and the
 * nanosecond {@code process_cpu_time_ns_total} gives way to the conventional {@code process_cpu_seconds_total}.
 */
final class PromtoolClean {

    private PromtoolClean() {
    }

    static final MeterFilter FILTER = new MeterFilter() {
        @Override
        public Meter.Id map(Meter.Id id) {
            return id.getName().equals("system.cpu.count") ? id.withName("system.cpu.cores") : id;
        }

        @Override
        public MeterFilterReply accept(Meter.Id id) {
            return id.getName().equals("process.cpu.time") ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
        }
    };

    /** {@code process_cpu_seconds_total}, when the JVM can tell the process's CPU time. */
    static void bindProcessCpuSeconds(MeterRegistry registry) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                && os.getProcessCpuTime() >= 0) {
            FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9)
                    .description("CPU time the process has used")
                    .baseUnit("seconds")
                    .register(registry);
        }
    }
}
