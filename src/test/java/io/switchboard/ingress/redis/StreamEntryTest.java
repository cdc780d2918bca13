package io.switchboard.ingress.redis;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StreamEntryTest {

    @Test
    void streamIdsAreOrderedByTimeThenSequenceAsNumbers() {
        assertThat(StreamTrim.compareIds("5-9", "5-10")).isNegative();
        assertThat(StreamTrim.compareIds("10-0", "9-99")).isPositive();
        assertThat(StreamTrim.compareIds("1796165912203-0", "1796165912203-0")).isZero();
        assertThat(StreamTrim.compareIds("0-0", "1-0")).isNegative();
        assertThat(StreamTrim.compareIds("18446744073709551615-0", "1-0")).isPositive();
    }

    @Test
    void aLonePayloadDataOrMessageFieldIsTheItemAndOtherwiseTheFieldsAreOneObject() {
        assertThat(RedisStreamIngress.item(Map.of("payload", "{\"a\":1}"))).isEqualTo("{\"a\":1}");
        assertThat(RedisStreamIngress.item(Map.of("data", "[1,2]"))).isEqualTo("[1,2]");
        assertThat(RedisStreamIngress.item(Map.of("message", "not json"))).isEqualTo("not json");
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("command", "send");
        fields.put("chat", "@x");
        fields.put("message", "hello");
        assertThat(RedisStreamIngress.item(fields))
                .isEqualTo("{\"command\":\"send\",\"chat\":\"@x\",\"message\":\"hello\"}");
    }
}
