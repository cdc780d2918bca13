package io.switchboard.admission;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.switchboard.message.Envelope;
import io.switchboard.message.EnvelopeCodec;

import java.util.Set;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any request body is either a valid envelope or a clean refusal (400 unreadable, 422 wrong fields), never another
 * exception; a valid envelope survives the stored form unchanged. Without {@code JAZZER_FUZZ} the inputs under
 * {@code EnvelopeParserFuzzTestInputs/} run as plain tests; see docs/security.md for fuzzing runs.
 */
class EnvelopeParserFuzzTest {

    private static final EnvelopeParser PARSER = new EnvelopeParser();
    private static final Predicate<String> KNOWN = Set.of("chat", "code")::contains;

    @FuzzTest(maxDuration = "10s")
    void anyBodyIsAnEnvelopeOrACleanRefusal(byte[] body) {
        switch (PARSER.parse(body, KNOWN)) {
            case EnvelopeParser.Result.Valid v -> {
                Envelope envelope = v.envelope();
                assertThat(envelope.content().isTextual() || envelope.content().isObject()).isTrue();
                assertThat(envelope.text()).isNotEmpty();
                byte[] stored = EnvelopeCodec.encode(envelope);
                assertThat(EnvelopeCodec.decode(stored)).isEqualTo(envelope);
                assertThat(PARSER.parse(stored, KNOWN)).isEqualTo(new EnvelopeParser.Result.Valid(envelope));
            }
            case EnvelopeParser.Result.Invalid i -> {
                assertThat(i.problem().status()).isIn(400, 422);
                assertThat(i.problem().detail()).isNotBlank();
                assertThat(i.problem().errors()).allSatisfy(e -> assertThat(e.reason()).isNotBlank());
            }
        }
    }
}
