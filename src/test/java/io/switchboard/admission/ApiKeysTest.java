package io.switchboard.admission;

import io.switchboard.config.ApiKeyConfig;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

import static org.assertj.core.api.Assertions.assertThat;

/** How a presented key is matched: by its SHA-256, against every configured key every time. */
class ApiKeysTest {

    static final List<ApiKeyConfig> KEYS = List.of(
            new ApiKeyConfig("first", ApiKeys.sha256Hex("key-one"), List.of("route"), null),
            new ApiKeyConfig("second", ApiKeys.sha256Hex("key-two"), List.of("read", "admin"), null),
            new ApiKeyConfig("third", ApiKeys.sha256Hex("key-three"), List.of("submit"), null));

    /** Counts the comparisons and remembers what was compared. */
    static final class Recorder implements BiPredicate<byte[], byte[]> {
        final List<byte[]> compared = new ArrayList<>();

        @Override
        public boolean test(byte[] presented, byte[] configured) {
            compared.add(configured);
            return MessageDigest.isEqual(presented, configured);
        }
    }

    @Test
    void everyConfiguredKeyIsComparedWhicheverMatches() {
        for (String presented : new String[] {"key-one", "key-two", "key-three", "no-such-key"}) {
            Recorder recorder = new Recorder();
            new ApiKeys(KEYS, recorder).find(presented);
            assertThat(recorder.compared).as(presented).hasSize(3);
        }
    }

    @Test
    void theKeyIsComparedByItsSha256NeverAsItIs() {
        Recorder recorder = new Recorder();
        ApiKeys keys = new ApiKeys(KEYS, recorder);

        assertThat(keys.find("key-two").name()).isEqualTo("second");
        assertThat(keys.find(ApiKeys.sha256Hex("key-two"))).as("the hash is not the key").isNull();
        assertThat(recorder.compared).allSatisfy(c -> assertThat(c).hasSize(32));
    }

    @Test
    void authenticationSaysWhyARequestIsRefused() {
        ApiKeys keys = new ApiKeys(KEYS, MessageDigest::isEqual);

        assertThat(keys.authenticate(null, Scope.ROUTE)).isEqualTo(new Authentication.Unauthorized(false));
        assertThat(keys.authenticate("key-four", Scope.ROUTE)).isEqualTo(new Authentication.Unauthorized(true));
        assertThat(keys.authenticate("key-two", Scope.ROUTE)).isInstanceOfSatisfying(Authentication.Forbidden.class,
                f -> assertThat(f.needed()).isEqualTo(Scope.ROUTE));
        assertThat(keys.authenticate("key-two", Scope.ADMIN)).isInstanceOfSatisfying(Authentication.Accepted.class,
                a -> assertThat(a.key().name()).isEqualTo("second"));
    }

    @Test
    void theHashIsTheSha256OfTheUtf8BytesInLowerCaseHex() {
        assertThat(ApiKeys.sha256Hex("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
