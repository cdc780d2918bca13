package io.switchboard.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SuggestTest {

    @Test
    void suggestsTheClosestKnownKey() {
        assertThat(Suggest.hint("timout_ms", List.of("timeout_ms", "max_attempts"))).isEqualTo(" (did you mean 'timeout_ms'?)");
    }

    @Test
    void staysSilentWhenNothingIsClose() {
        assertThat(Suggest.hint("zzzzzz", List.of("timeout_ms", "max_attempts"))).isEmpty();
    }
}
