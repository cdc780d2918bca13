package io.switchboard.ingress.http;

import io.switchboard.ingress.IngressMetrics.Rejection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which answers count as refused requests, and under which reason. */
class RejectionsTest {

    private static Rejection of(int status, String slug) {
        return Rejections.of(Problem.of(status, slug, "t", "d"));
    }

    @Test
    void badInputOfEveryKindIsInvalid() {
        assertThat(of(400, "malformed-body")).isEqualTo(Rejection.INVALID);
        assertThat(of(408, "request-timeout")).isEqualTo(Rejection.INVALID);
        assertThat(of(413, "body-too-large")).isEqualTo(Rejection.INVALID);
        assertThat(of(415, "unsupported-media-type")).isEqualTo(Rejection.INVALID);
        assertThat(of(422, "invalid-envelope")).isEqualTo(Rejection.INVALID);
    }

    @Test
    void engineRefusalsKeepTheirReason() {
        assertThat(of(429, "overloaded")).isEqualTo(Rejection.OVERLOAD);
        assertThat(of(503, "no-worker")).isEqualTo(Rejection.NO_WORKER);
        assertThat(of(503, "draining")).isEqualTo(Rejection.SHUTDOWN);
        assertThat(of(503, "store-unavailable")).isEqualTo(Rejection.STORE);
        assertThat(of(503, "unavailable")).isEqualTo(Rejection.SHUTDOWN);
        assertThat(of(504, "deadline-exceeded")).isEqualTo(Rejection.EXPIRED);
    }

    @Test
    void workerFailuresAndRoutingMistakesAreNotRejections() {
        assertThat(of(502, "worker-failed")).isNull();
        assertThat(of(404, "not-found")).isNull();
        assertThat(of(405, "method-not-allowed")).isNull();
        assertThat(of(500, "internal")).isNull();
    }
}
