package io.switchboard.classify;

import java.util.Map;

/**
 * Cache keys for message content. Short texts are kept whole, so their keys are exact. Longer texts are reduced to a
 * 128-bit MurmurHash3 plus their length, so the cache never pins large messages in memory.
 *
 * <p>Collisions: a lookup can only collide with an entry that is cached at that moment, so each lookup is wrong with
 * probability at most {@code maximumSize/2¹²⁸}; with 10,000 entries and a trillion lookups that is about 3·10⁻²³
 * over the whole run (texts of different lengths never collide). MurmurHash3 is not collision-resistant, so a
 * producer could craft two texts with one key and get the first one's class for the second; that grants nothing an
 * envelope's explicit {@code class} field does not already grant. Should explicit classes ever be restricted per
 * producer, this key must become a keyed cryptographic hash. Metadata is never hashed: the values of the keys that
 * rules test are kept verbatim in the key, so differing metadata never collides.
 */
final class ContentKey {

    /** Texts up to this many characters are their own key. */
    static final int EXACT_LIMIT = 256;

    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    record Exact(String text, String metadata) {
    }

    record Hashed(long high, long low, int length, String metadata) {
    }

    private ContentKey() {
    }

    static Object of(String text, Map<String, String> metadata, String[] relevantKeys) {
        String tested = metadataPart(metadata, relevantKeys);
        if (text.length() <= EXACT_LIMIT) {
            return new Exact(text, tested);
        }
        long[] hash = murmur3(text);
        return new Hashed(hash[0], hash[1], text.length(), tested);
    }

    /** The values of the tested keys, each length-prefixed (or {@code -} when absent) so the encoding is unambiguous. */
    private static String metadataPart(Map<String, String> metadata, String[] relevantKeys) {
        if (relevantKeys.length == 0 || metadata.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String key : relevantKeys) {
            String value = metadata.get(key);
            if (value == null) {
                out.append('-');
            } else {
                out.append(value.length()).append(':').append(value);
            }
        }
        return out.toString();
    }

    /** MurmurHash3 x64 128-bit, seed 0, over the UTF-16LE bytes of {@code s} (as Guava's hashUnencodedChars). */
    static long[] murmur3(String s) {
        int n = s.length();
        long h1 = 0;
        long h2 = 0;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long k1 = pack(s, i, 4);
            long k2 = pack(s, i + 4, 4);
            h1 ^= mixK1(k1);
            h1 = Long.rotateLeft(h1, 27) + h2;
            h1 = h1 * 5 + 0x52dce729;
            h2 ^= mixK2(k2);
            h2 = Long.rotateLeft(h2, 31) + h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        int rest = n - i;
        if (rest > 4) {
            h2 ^= mixK2(pack(s, i + 4, rest - 4));
        }
        if (rest > 0) {
            h1 ^= mixK1(pack(s, i, Math.min(rest, 4)));
        }
        long bytes = 2L * n;
        h1 ^= bytes;
        h2 ^= bytes;
        h1 += h2;
        h2 += h1;
        h1 = fmix(h1);
        h2 = fmix(h2);
        h1 += h2;
        h2 += h1;
        return new long[] {h1, h2};
    }

    private static long pack(String s, int from, int count) {
        long k = 0;
        for (int j = count - 1; j >= 0; j--) {
            k = (k << 16) | s.charAt(from + j);
        }
        return k;
    }

    private static long mixK1(long k1) {
        return Long.rotateLeft(k1 * C1, 31) * C2;
    }

    private static long mixK2(long k2) {
        return Long.rotateLeft(k2 * C2, 33) * C1;
    }

    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
