package io.switchboard.observe;

/** How the JSON views round: milliseconds to 0.1, shares to 0.0001, so figures stay short and stable. */
final class Rounding {

    private Rounding() {
    }

    static double millis(double nanos) {
        return Math.round(nanos / 100_000.0) / 10.0;
    }

    static double share(double value) {
        return Math.round(value * 10_000.0) / 10_000.0;
    }

    static double perSecond(double value) {
        return Math.round(value * 100.0) / 100.0;
    }
}
