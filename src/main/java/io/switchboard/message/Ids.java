package io.switchboard.message;

import java.util.concurrent.ThreadLocalRandom;

/** Generates message and request ids: time-ordered (UUIDv7 layout), random enough to never collide in practice. */
public final class Ids {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Ids() {
    }

    /** A UUIDv7 string for a message accepted at {@code epochMillis}. */
    public static String newId(long epochMillis) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (epochMillis << 16) | 0x7000L | (r.nextLong() & 0x0FFFL);
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        char[] out = new char[36];
        hex(msb >>> 32, 8, out, 0);
        out[8] = '-';
        hex(msb >>> 16, 4, out, 9);
        out[13] = '-';
        hex(msb, 4, out, 14);
        out[18] = '-';
        hex(lsb >>> 48, 4, out, 19);
        out[23] = '-';
        hex(lsb, 12, out, 24);
        return new String(out);
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
