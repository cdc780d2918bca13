package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.switchboard.tls.KeyStores;
import io.switchboard.tls.PemException;

import java.nio.file.Path;
import java.security.KeyStore;

/**
 * TLS to {@code https://} workers: which CAs to trust and the client certificate to present when a worker asks for
 * one. PEM files, read when the configuration is loaded (and again when the engine starts). Host names are always
 * verified.
 *
 * @param ca               CA certificates that sign the workers' certificates; without it the JDK's default CAs
 * @param includeSystemCas with {@code ca}: trust the JDK's default CAs too (default false: only {@code ca})
 * @param cert             the client certificate chain, own certificate first
 * @param key              its private key: PKCS#8, encrypted PKCS#8 (with {@code key_password}), PKCS#1 RSA or SEC1 EC
 * @param keyPassword      decrypts an encrypted key
 */
public record DeliveryTlsConfig(
        @JsonProperty("ca") String ca,
        @JsonProperty("include_system_cas") Boolean includeSystemCas,
        @JsonProperty("cert") String cert,
        @JsonProperty("key") String key,
        @JsonProperty("key_password") String keyPassword) {

    public DeliveryTlsConfig {
        if (ca == null && cert == null && key == null) {
            throw new InvalidValueException("", "needs ca (the CAs to trust), or cert and key (a client certificate), "
                    + "or all three");
        }
        if (ca != null) {
            TlsFiles.certificates("ca", ca);
        } else if (includeSystemCas != null) {
            throw new InvalidValueException("include_system_cas", "goes with ca; without ca the JDK's default CAs "
                    + "are trusted");
        }
        includeSystemCas = Check.orDefault(includeSystemCas, false);
        if (cert != null || key != null) {
            TlsFiles.identity("cert", cert, "key", key, "key_password", keyPassword);
        } else if (keyPassword != null) {
            throw new InvalidValueException("key_password", "goes with key");
        }
    }

    /** The CAs to trust as an in-memory store, or null for the JDK's default ones. */
    public KeyStore trustStore() {
        if (ca == null) {
            return null;
        }
        try {
            return KeyStores.trust(Path.of(ca), includeSystemCas);
        } catch (PemException e) {
            throw new IllegalStateException("delivery.tls.ca: " + e.reason(), e);
        }
    }

    /** The client certificate and key as an in-memory store (key protected by {@link KeyStores#PASSWORD}), or null. */
    public KeyStore keyStore() {
        if (cert == null) {
            return null;
        }
        try {
            return KeyStores.identity(Path.of(cert), Path.of(key), keyPassword);
        } catch (PemException e) {
            throw new IllegalStateException("delivery.tls: " + e.reason(), e);
        }
    }
}
