package io.switchboard.config;

import io.switchboard.tls.KeyStores;
import io.switchboard.tls.Pem;
import io.switchboard.tls.PemException;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** Checks the PEM files a TLS section names while the configuration loads, so a bad file stops {@code check}. */
final class TlsFiles {

    private TlsFiles() {
    }

    /**
     * Checks that {@code cert} holds a certificate chain and {@code key} its private key, decrypted with
     * {@code password}; the arguments come as key name and value pairs so that each problem names its key.
     */
    static void identity(String certKey, String cert, String keyKey, String key, String passwordKey, String password) {
        if (cert == null || cert.isBlank()) {
            throw new InvalidValueException(certKey, "is required" + (key != null ? " with " + keyKey : "")
                    + ": the PEM file of the certificate chain");
        }
        if (key == null || key.isBlank()) {
            throw new InvalidValueException(keyKey, "is required with " + certKey + ": the PEM file of its private key");
        }
        List<X509Certificate> chain = certificates(certKey, cert);
        try {
            PrivateKey privateKey = Pem.privateKey(path(keyKey, key), password == null ? null : password.toCharArray());
            KeyStores.checkPair(chain, privateKey);
        } catch (PemException e) {
            throw new InvalidValueException(keyKey, e.reason());
        }
    }

    /** Checks that {@code file} holds at least one certificate. */
    static List<X509Certificate> certificates(String key, String file) {
        if (file == null || file.isBlank()) {
            throw new InvalidValueException(key, "is required: the PEM file of a certificate");
        }
        try {
            return Pem.certificates(path(key, file));
        } catch (PemException e) {
            throw new InvalidValueException(key, e.reason());
        }
    }

    private static Path path(String key, String file) {
        try {
            return Path.of(file);
        } catch (InvalidPathException e) {
            throw new InvalidValueException(key, "is not a valid path");
        }
    }
}
