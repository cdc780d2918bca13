package io.switchboard.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** In-memory key stores built from PEM files: an identity (a key and its certificate chain) or a set of trusted CAs. */
public final class KeyStores {

    /**
     * Protects the key inside the in-memory identity store, which never leaves the process; it is no secret. TLS
     * factories need it to take the key back out.
     */
    public static final String PASSWORD = "switchboard";
    private static final String ALIAS = "switchboard";
    private static final byte[] PROBE = "switchboard key check".getBytes(StandardCharsets.US_ASCII);

    private KeyStores() {
    }

    /** The identity in {@code cert} (the chain, own certificate first) and {@code key}, checked to belong together. */
    public static KeyStore identity(Path cert, Path key, String keyPassword) throws PemException {
        List<X509Certificate> chain = Pem.certificates(cert);
        PrivateKey privateKey = Pem.privateKey(key, keyPassword == null ? null : keyPassword.toCharArray());
        checkPair(chain, privateKey);
        return identity(chain, privateKey);
    }

    /**
     * Fails unless {@code key} is the private key of the chain's first certificate; the reason is phrased about the
     * key (e.g. "does not match the certificate").
     */
    public static void checkPair(List<X509Certificate> chain, PrivateKey key) throws PemException {
        if (matches(key, chain.getFirst().getPublicKey())) {
            return;
        }
        for (int i = 1; i < chain.size(); i++) {
            if (matches(key, chain.get(i).getPublicKey())) {
                throw new PemException("belongs to certificate " + (i + 1) + " of the chain, not the first; put the "
                        + "server's own certificate first, then its intermediates");
            }
        }
        String certificateAlgorithm = chain.getFirst().getPublicKey().getAlgorithm();
        throw new PemException("does not match the certificate for " + chain.getFirst().getSubjectX500Principal()
                .getName() + (certificateAlgorithm.equals(key.getAlgorithm()) ? ""
                : " (the key is " + key.getAlgorithm() + ", the certificate's is " + certificateAlgorithm + ")"));
    }

    private static KeyStore identity(List<X509Certificate> chain, PrivateKey key) {
        KeyStore store = empty();
        try {
            store.setKeyEntry(ALIAS, key, PASSWORD.toCharArray(), chain.toArray(new X509Certificate[0]));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot put a " + key.getAlgorithm() + " key in a key store", e);
        }
        return store;
    }

    /** The CAs in {@code ca}, plus the JDK's default ones when {@code withSystemCas}. */
    public static KeyStore trust(Path ca, boolean withSystemCas) throws PemException {
        KeyStore store = empty();
        List<X509Certificate> cas = Pem.certificates(ca);
        try {
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            if (withSystemCas) {
                X509Certificate[] system = systemCas();
                for (int i = 0; i < system.length; i++) {
                    store.setCertificateEntry("system-" + i, system[i]);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot put a certificate in a trust store", e);
        }
        return store;
    }

    /** The CAs the JDK trusts by default (its cacerts, or what {@code javax.net.ssl.trustStore} names). */
    private static X509Certificate[] systemCas() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (var manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509.getAcceptedIssuers();
            }
        }
        return new X509Certificate[0];
    }

    private static KeyStore empty() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create an in-memory key store", e);
        }
    }

    /** Whether {@code key} signs what {@code publicKey} verifies. */
    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> null;
        };
        if (algorithm == null) {
            // No signature to probe with (e.g. RSASSA-PSS): the TLS handshake will tell.
            return key.getAlgorithm().equals(publicKey.getAlgorithm());
        }
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // Keys of different kinds: the verifier refuses the public key.
            return false;
        }
    }
}
