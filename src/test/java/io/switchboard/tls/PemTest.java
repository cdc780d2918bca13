package io.switchboard.tls;

import io.switchboard.testing.TestCerts;
import io.switchboard.testing.TestCerts.Identity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PEM keys in every format the engine reads, checked against their certificates; clear reasons for bad files. */
class PemTest {

    @TempDir
    static Path dir;
    static TestCerts ca;
    static Identity rsa;
    static Identity ec;

    @BeforeAll
    static void issue() {
        ca = TestCerts.ca(dir.resolve("ca"), "Pem Test CA");
        rsa = ca.server("rsa", "DNS:localhost");
        ec = ca.ecServer("ec");
    }

    @Test
    void readsPkcs8Pkcs1Sec1AndEncryptedPkcs8KeysThatMatchTheirCertificates() throws Exception {
        List<X509Certificate> rsaChain = Pem.certificates(rsa.cert());
        List<X509Certificate> ecChain = Pem.certificates(ec.cert());

        KeyStores.checkPair(rsaChain, Pem.privateKey(rsa.key(), null));
        KeyStores.checkPair(rsaChain, Pem.privateKey(ca.pkcs1(rsa), null));
        KeyStores.checkPair(rsaChain, Pem.privateKey(ca.encrypted(rsa, "s3cret"), "s3cret".toCharArray()));
        assertThat(Files.readString(ec.key())).contains("BEGIN EC PARAMETERS").contains("BEGIN EC PRIVATE KEY");
        assertThat(Pem.privateKey(ec.key(), null).getAlgorithm()).isEqualTo("EC");
        KeyStores.checkPair(ecChain, Pem.privateKey(ec.key(), null));
    }

    @Test
    void encryptedKeyNeedsTheRightPassword() {
        Path encrypted = ca.encrypted(rsa, "right");

        assertThatThrownBy(() -> Pem.privateKey(encrypted, null)).isInstanceOf(PemException.class)
                .hasMessage("holds an encrypted key; set key_password");
        assertThatThrownBy(() -> Pem.privateKey(encrypted, "wrong".toCharArray())).isInstanceOf(PemException.class)
                .hasMessageContaining("cannot be decrypted with key_password");
    }

    @Test
    void keyOfAnotherCertificateDoesNotMatch() throws Exception {
        assertThatThrownBy(() -> KeyStores.checkPair(Pem.certificates(rsa.cert()), Pem.privateKey(ec.key(), null)))
                .isInstanceOf(PemException.class)
                .hasMessage("does not match the certificate for CN=rsa (the key is EC, the certificate's is RSA)");
        Identity other = ca.server("other", "DNS:localhost");
        assertThatThrownBy(() -> KeyStores.identity(rsa.cert(), other.key(), null))
                .isInstanceOf(PemException.class).hasMessage("does not match the certificate for CN=rsa");
    }

    @Test
    void fullChainPutsTheServersOwnCertificateFirst() throws Exception {
        Path chain = ca.fullChain(rsa);
        KeyStore store = KeyStores.identity(chain, rsa.key(), null);
        assertThat(store.getCertificateChain("switchboard")).hasSize(2);

        Path reversed = dir.resolve("reversed.pem");
        Files.writeString(reversed, Files.readString(ca.cert()) + Files.readString(rsa.cert()));
        assertThatThrownBy(() -> KeyStores.identity(reversed, rsa.key(), null))
                .isInstanceOf(PemException.class).hasMessageStartingWith("belongs to certificate 2 of the chain");
    }

    @Test
    void filesThatAreNotWhatTheyShouldBeSaySo() throws Exception {
        Path text = dir.resolve("text.pem");
        Files.writeString(text, "not a certificate\n");
        Path bad = dir.resolve("bad.pem");
        Files.writeString(bad, "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> Pem.certificates(dir.resolve("absent.pem"))).isInstanceOf(PemException.class)
                .hasMessageStartingWith("no such file (looked for ");
        assertThatThrownBy(() -> Pem.certificates(dir)).hasMessage("is a directory, not a PEM file");
        assertThatThrownBy(() -> Pem.certificates(text)).hasMessage("is not a PEM file (no -----BEGIN ...----- block)");
        assertThatThrownBy(() -> Pem.certificates(bad)).hasMessage("holds a CERTIFICATE block that is not valid base64");
        assertThatThrownBy(() -> Pem.certificates(rsa.key()))
                .hasMessage("holds no certificate (expected -----BEGIN CERTIFICATE-----)");
        assertThatThrownBy(() -> Pem.privateKey(rsa.cert(), null))
                .hasMessage("holds no private key (expected -----BEGIN PRIVATE KEY-----; found CERTIFICATE)");
    }

    @Test
    void trustStoreHoldsTheCaAloneUnlessSystemCasAreAsked() throws Exception {
        assertThat(KeyStores.trust(ca.cert(), false).size()).isEqualTo(1);
        assertThat(KeyStores.trust(ca.cert(), true).size()).isGreaterThan(1);
    }
}
