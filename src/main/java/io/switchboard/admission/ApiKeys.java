package io.switchboard.admission;

import io.switchboard.config.ApiKeyConfig;
import io.switchboard.config.AuthConfig;
import io.switchboard.limit.RateLimit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * The configured API keys, known only by their SHA-256. A presented key is hashed and compared with every configured
 * hash in constant time, all of them every time, so neither the answer's timing nor an early exit tells which
 * configured key (or how much of one) it matched.
 */
public final class ApiKeys {

    private static final HexFormat HEX = HexFormat.of();

    private record Entry(byte[] sha256, ApiKey key) {
    }

    private final List<Entry> entries;
    private final BiPredicate<byte[], byte[]> equal;

    ApiKeys(List<ApiKeyConfig> keys, BiPredicate<byte[], byte[]> equal) {
        this(keys, equal, null);
    }

    private ApiKeys(List<ApiKeyConfig> keys, BiPredicate<byte[], byte[]> equal, ApiKeys previous) {
        List<Entry> list = new ArrayList<>();
        for (ApiKeyConfig k : keys) {
            Set<Scope> scopes = EnumSet.noneOf(Scope.class);
            k.scopes().forEach(s -> scopes.add(Scope.ofLabel(s)));
            RateLimit limit = RateLimit.carriedOn(previous == null ? null : previous.limitOf(k.name()),
                    k.rateLimit() == null ? 0 : k.rateLimit().perSecond(),
                    k.rateLimit() == null ? 1 : k.rateLimit().burst());
            list.add(new Entry(HEX.parseHex(k.sha256()), new ApiKey(k.name(), scopes, limit)));
        }
        this.entries = List.copyOf(list);
        this.equal = equal;
    }

    /** The keys of {@code config} (none when authentication is disabled). */
    public static ApiKeys of(AuthConfig config) {
        return of(config, null);
    }

    /**
     * The keys of {@code config} after a reload: a key whose name {@code previous} has too goes on with the same rate
     * limit (new settings, what it has spent kept), so that a reload never hands every client a fresh burst.
     */
    public static ApiKeys of(AuthConfig config, ApiKeys previous) {
        return new ApiKeys(config.enabled() ? config.keys() : List.of(), MessageDigest::isEqual, previous);
    }

    private RateLimit limitOf(String name) {
        for (Entry e : entries) {
            if (e.key().name().equals(name)) {
                return e.key().rateLimit();
            }
        }
        return null;
    }

    /** The configured keys, in configuration order. */
    public List<ApiKey> keys() {
        return entries.stream().map(Entry::key).toList();
    }

    /** The configured key {@code presented} is, or null. */
    public ApiKey find(String presented) {
        byte[] digest = sha256(presented);
        ApiKey found = null;
        for (Entry e : entries) {
            // Every entry is compared; which one matched only decides the value kept, never whether to go on.
            boolean match = equal.test(digest, e.sha256());
            found = match ? e.key() : found;
        }
        return found;
    }

    /** Judges {@code presented} (null when the request carried no key) for an endpoint that needs {@code needed}. */
    public Authentication authenticate(String presented, Scope needed) {
        if (presented == null) {
            return new Authentication.Unauthorized(false);
        }
        ApiKey key = find(presented);
        if (key == null) {
            return new Authentication.Unauthorized(true);
        }
        return key.allows(needed) ? new Authentication.Accepted(key) : new Authentication.Forbidden(key, needed);
    }

    /** The SHA-256 of {@code key}'s UTF-8 bytes. */
    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The SHA-256 of {@code key} in lower-case hex, as the configuration holds it. */
    public static String sha256Hex(String key) {
        return HEX.formatHex(sha256(key));
    }
}
