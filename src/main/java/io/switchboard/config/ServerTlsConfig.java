package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.switchboard.tls.KeyStores;
import io.switchboard.tls.PemException;

import java.nio.file.Path;
import java.security.KeyStore;

/**
 * TLS on the listener: its certificate and private key, PEM files read when the configuration is loaded (and again
 * when the engine starts; a changed file needs a restart).
 *
 * @param cert        the certificate chain: the server's own certificate first, then its intermediates
 * @param key         its private key: PKCS#8, encrypted PKCS#8 (with {@code key_password}), PKCS#1 RSA or SEC1 EC
 * @param keyPassword decrypts an encrypted key
 */
public record ServerTlsConfig(
        @JsonProperty("cert") String cert,
        @JsonProperty("key") String key,
        @JsonProperty("key_password") String keyPassword) {

    public ServerTlsConfig {
        TlsFiles.identity("cert", cert, "key", key, "key_password", keyPassword);
    }

    /** The certificate and key as an in-memory key store, its key protected by {@link KeyStores#PASSWORD}. */
    public KeyStore keyStore() {
        try {
            return KeyStores.identity(Path.of(cert), Path.of(key), keyPassword);
        } catch (PemException e) {
            throw new IllegalStateException("server.tls: " + e.reason(), e);
        }
    }
}
