package io.switchboard.testing;

import io.switchboard.tls.KeyStores;
import io.switchboard.tls.PemException;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test CA in a directory, made with {@code openssl} (tests that need one are skipped when it is not on the PATH),
 * that issues server and client certificates with their keys in the formats the engine reads.
 */
public final class TestCerts {

    /** A certificate and its private key, PEM files. */
    public record Identity(Path cert, Path key) {
    }

    private final Path dir;
    private final Path caCert;
    private final Path caKey;

    private TestCerts(Path dir) {
        this.dir = dir;
        this.caCert = dir.resolve("ca.pem");
        this.caKey = dir.resolve("ca-key.pem");
    }

    /** A new CA named {@code name} in {@code dir}; skips the calling test when openssl is missing. */
    public static TestCerts ca(Path dir, String name) {
        Assumptions.assumeTrue(opensslAvailable(), "openssl is not on the PATH");
        TestCerts certs = new TestCerts(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        certs.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem",
                "-days", "2", "-subj", "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return certs;
    }

    private static boolean opensslAvailable() {
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The CA's certificate. */
    public Path cert() {
        return caCert;
    }

    /** A server certificate for {@code subjectAltName} (e.g. {@code DNS:localhost,IP:127.0.0.1}), RSA key in PKCS#8. */
    public Identity server(String name, String subjectAltName) {
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", name + "-key.pem");
        return issue(name, "subjectAltName=" + subjectAltName + "\nextendedKeyUsage=serverAuth\n");
    }

    /** A server certificate for localhost and 127.0.0.1 whose key is SEC1 EC (with its EC PARAMETERS block). */
    public Identity ecServer(String name) {
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", name + "-key.pem");
        return issue(name, "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    }

    /** A client certificate, RSA key in PKCS#8. */
    public Identity client(String name) {
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", name + "-key.pem");
        return issue(name, "extendedKeyUsage=clientAuth\n");
    }

    private Identity issue(String name, String extensions) {
        write(name + ".ext", "basicConstraints=CA:FALSE\n" + extensions);
        openssl("req", "-new", "-key", name + "-key.pem", "-subj", "/CN=" + name, "-out", name + ".csr");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                "-days", "2", "-extfile", name + ".ext", "-out", name + ".pem");
        return new Identity(dir.resolve(name + ".pem"), dir.resolve(name + "-key.pem"));
    }

    /** The key of {@code identity} rewritten as PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). */
    public Path pkcs1(Identity identity) {
        String out = identity.key().getFileName().toString().replace(".pem", "-rsa.pem");
        openssl("rsa", "-in", identity.key().toString(), "-traditional", "-out", out);
        return dir.resolve(out);
    }

    /** The key of {@code identity} as encrypted PKCS#8 with {@code password} (OpenSSL's default: PBES2, AES-256). */
    public Path encrypted(Identity identity, String password) {
        String out = identity.key().getFileName().toString().replace(".pem", "-encrypted.pem");
        openssl("pkcs8", "-topk8", "-in", identity.key().toString(), "-passout", "pass:" + password, "-out", out);
        return dir.resolve(out);
    }

    /** The certificate followed by the CA's, as a {@code fullchain.pem} is. */
    public Path fullChain(Identity identity) {
        Path out = dir.resolve(identity.cert().getFileName().toString().replace(".pem", "-fullchain.pem"));
        try {
            Files.writeString(out, Files.readString(identity.cert()) + Files.readString(caCert));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** A JDK client context that trusts this CA only, presenting {@code client} when given. */
    public SSLContext clientContext(Identity client) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(KeyStores.trust(caCert, false));
            KeyManagerFactory keys = null;
            if (client != null) {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                KeyStore identity = KeyStores.identity(client.cert(), client.key(), null);
                keys.init(identity, KeyStores.PASSWORD.toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | PemException e) {
            throw new IllegalStateException(e);
        }
    }

    private void write(String name, String text) {
        try {
            Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void openssl(String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
