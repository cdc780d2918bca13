package io.switchboard.message;

import java.util.concurrent.ThreadLocalRandom;

/** Generates message and request ids: time-ordered (UUIDv7 layout), random enough to never collide in practice. */
public final class Ids {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Ids() {
    }

    /** A UUIDv7 string for a message accepted at {@code epochMillis}. */
    public static String newId(long epochMillis) {
        return uuid7(epochMillis, true);
    }

    /** A new W3C trace id: 32 lower-case hex digits (a UUIDv7 without dashes), time-ordered, never all zeros. */
    public static String newTraceId(long epochMillis) {
        return uuid7(epochMillis, false);
    }

    private static String uuid7(long epochMillis, boolean dashes) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (epochMillis << 16) | 0x7000L | (r.nextLong() & 0x0FFFL);
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        int dash = dashes ? 1 : 0;
        char[] out = new char[32 + 4 * dash];
        hex(msb >>> 32, 8, out, 0);
        hex(msb >>> 16, 4, out, 8 + dash);
        hex(msb, 4, out, 12 + 2 * dash);
        hex(lsb >>> 48, 4, out, 16 + 3 * dash);
        hex(lsb, 12, out, 20 + 4 * dash);
        if (dashes) {
            out[8] = '-';
            out[13] = '-';
            out[18] = '-';
            out[23] = '-';
        }
        return new String(out);
    }

    /** Whether {@code id} has the shape of a W3C trace id (32 lower-case hex digits, not all zeros). */
    public static boolean isTraceId(String id) {
        if (id == null || id.length() != 32) {
            return false;
        }
        boolean nonZero = false;
        for (int i = 0; i < 32; i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
            nonZero |= c != '0';
        }
        return nonZero;
    }

    /** The trace id of a W3C {@code traceparent} header ({@code 00-<trace>-<span>-<flags>}), or null if malformed. */
    public static String traceIdOf(String traceparent) {
        if (traceparent == null || traceparent.length() < 55 || !traceparent.startsWith("00-")
                || traceparent.charAt(35) != '-' || traceparent.charAt(52) != '-') {
            return null;
        }
        String trace = traceparent.substring(3, 35);
        return isTraceId(trace) ? trace : null;
    }

    /** A {@code traceparent} for a call made on behalf of {@code traceId}, with a fresh span id. */
    public static String traceparent(String traceId) {
        char[] span = new char[16];
        hex(ThreadLocalRandom.current().nextLong() | 1L, 16, span, 0);
        return "00-" + traceId + "-" + new String(span) + "-01";
    }

    private static void hex(long value, int digits, char[] out, int at) {
        for (int i = digits - 1; i >= 0; i--) {
            out[at + i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
    }

    /** Whether a caller-supplied request id is safe to echo and log: 1–128 visible ASCII characters, no separators. */
    public static boolean isAcceptableRequestId(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '_' || c == '.' || c == ':' || c == '/' || c == '+' || c == '=';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
