package io.switchboard.message;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTest {

    @Test
    void messageIdsAreVersion7UuidsAndTraceIdsTheSameWithoutDashes() {
        long at = 1_763_800_000_000L;
        String id = Ids.newId(at);
        String trace = Ids.newTraceId(at);

        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(trace).matches("[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}");
        assertThat(Ids.isTraceId(trace)).isTrue();
        assertThat(id.substring(0, 8) + id.substring(9, 13)).isEqualTo(trace.substring(0, 12));
        assertThat(Long.parseLong(trace.substring(0, 12), 16)).isEqualTo(at);
    }

    @Test
    void traceparentYieldsItsTraceIdAndMalformedOnesNothing() {
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        assertThat(Ids.traceIdOf("00-" + trace + "-00f067aa0ba902b7-01")).isEqualTo(trace);
        assertThat(Ids.traceIdOf("00-" + "0".repeat(32) + "-00f067aa0ba902b7-01")).isNull();
        assertThat(Ids.traceIdOf("garbage")).isNull();
        assertThat(Ids.traceparent(trace)).matches("00-" + trace + "-[0-9a-f]{16}-01");
    }
}
