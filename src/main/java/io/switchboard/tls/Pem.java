package io.switchboard.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads certificates and private keys from PEM files with the JDK alone. Keys may be PKCS#8 ({@code PRIVATE KEY}),
 * encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY}), PKCS#1 RSA ({@code RSA PRIVATE KEY}) or SEC1 EC
 * ({@code EC PRIVATE KEY}); the last two are rewrapped as PKCS#8, which is all the JDK's key factories read.
 */
public final class Pem {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\R?(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final String TO_PKCS8 = "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out key-pkcs8.pem";

    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};
    private static final byte[] RSA_ALGORITHM = der(0x30,
            new byte[] {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01},
            new byte[] {0x05, 0x00});
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS");

    private record Block(String type, boolean encryptedTheOldWay, byte[] der) {
    }

    private Pem() {
    }

    /** Every certificate in {@code file}, in order (a server's own first, then its intermediates). */
    public static List<X509Certificate> certificates(Path file) throws PemException {
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        for (Block b : blocks(file)) {
            if (!b.type().equals("CERTIFICATE") && !b.type().equals("TRUSTED CERTIFICATE")) {
                continue;
            }
            try {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
            } catch (CertificateException e) {
                throw new PemException("holds a CERTIFICATE block that is not a valid X.509 certificate");
            }
        }
        if (certificates.isEmpty()) {
            throw new PemException("holds no certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return List.copyOf(certificates);
    }

    /** The private key in {@code file}; {@code password} decrypts an encrypted PKCS#8 key and may be null otherwise. */
    public static PrivateKey privateKey(Path file, char[] password) throws PemException {
        List<String> seen = new ArrayList<>();
        for (Block b : blocks(file)) {
            if (b.encryptedTheOldWay()) {
                throw new PemException("is encrypted the legacy OpenSSL way (Proc-Type: 4,ENCRYPTED), which the JDK "
                        + "cannot read; convert it with: openssl pkcs8 -topk8 -in KEY -out key-pkcs8.pem (add -nocrypt "
                        + "for no password)");
            }
            switch (b.type()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(b.der(), KEY_ALGORITHMS);
                }
                case "ENCRYPTED PRIVATE KEY" -> {
                    if (password == null) {
                        throw new PemException("holds an encrypted key; set key_password");
                    }
                    return pkcs8(decrypt(b.der(), password), KEY_ALGORITHMS);
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(der(0x30, VERSION_0, RSA_ALGORITHM, der(0x04, b.der())), List.of("RSA"));
                }
                case "EC PRIVATE KEY" -> {
                    return pkcs8(der(0x30, VERSION_0, der(0x30, EC_PUBLIC_KEY, curveOf(b.der())), der(0x04, b.der())),
                            List.of("EC"));
                }
                default -> seen.add(b.type());
            }
        }
        throw new PemException("holds no private key (expected -----BEGIN PRIVATE KEY-----"
                + (seen.isEmpty() ? "" : "; found " + String.join(", ", seen)) + ")");
    }

    private static List<Block> blocks(Path file) throws PemException {
        String text = read(file);
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            boolean oldEncryption = false;
            StringBuilder base64 = new StringBuilder();
            for (String line : m.group(2).split("\\R")) {
                // RFC 1421 headers (Proc-Type, DEK-Info) come before the base64 and contain a colon.
                if (line.contains(":")) {
                    oldEncryption |= line.startsWith("Proc-Type:") && line.contains("ENCRYPTED");
                    continue;
                }
                base64.append(line.strip());
            }
            try {
                blocks.add(new Block(m.group(1), oldEncryption, Base64.getDecoder().decode(base64.toString())));
            } catch (IllegalArgumentException e) {
                throw new PemException("holds a " + m.group(1) + " block that is not valid base64");
            }
        }
        if (blocks.isEmpty()) {
            throw new PemException("is not a PEM file (no -----BEGIN ...----- block)");
        }
        return blocks;
    }

    private static String read(Path file) throws PemException {
        if (Files.isDirectory(file)) {
            throw new PemException("is a directory, not a PEM file");
        }
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new PemException("no such file (looked for " + file.toAbsolutePath() + ")");
        } catch (AccessDeniedException e) {
            throw new PemException("cannot be read: permission denied");
        } catch (IOException e) {
            throw new PemException("cannot be read: " + e.getMessage());
        }
    }

    private static PrivateKey pkcs8(byte[] der, List<String> algorithms) throws PemException {
        for (String algorithm : algorithms) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisOne) {
                // Try the next algorithm: PKCS#8 names its own, but asking each factory is simpler than parsing it.
            }
        }
        throw new PemException("holds a private key that is not " + String.join(", ", algorithms)
                + " or is malformed; " + TO_PKCS8);
    }

    private static byte[] decrypt(byte[] der, char[] password) throws PemException {
        EncryptedPrivateKeyInfo info;
        try {
            info = new EncryptedPrivateKeyInfo(der);
        } catch (IOException e) {
            throw new PemException("holds an ENCRYPTED PRIVATE KEY block that is malformed");
        }
        String algorithm = info.getAlgName();
        AlgorithmParameters parameters = info.getAlgParameters();
        if (parameters != null && (algorithm.equals("PBES2") || algorithm.equals("1.2.840.113549.1.5.13"))) {
            // PBES2 names its real scheme (e.g. PBEWithHmacSHA256AndAES_256) in its parameters.
            algorithm = parameters.toString();
        }
        try {
            SecretKeyFactory factory = SecretKeyFactory.getInstance(algorithm);
            Cipher cipher = Cipher.getInstance(algorithm);
            cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(password)), parameters);
            return info.getKeySpec(cipher).getEncoded();
        } catch (NoSuchAlgorithmException e) {
            throw new PemException("is encrypted with " + algorithm + ", which the JDK cannot decrypt; re-encrypt it "
                    + "with: openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out key-pkcs8.pem");
        } catch (GeneralSecurityException e) {
            throw new PemException("cannot be decrypted with key_password (is it the right one?)");
        }
    }

    /** The named curve of a SEC1 {@code ECPrivateKey}: the OID in its {@code [0] parameters}, encoded whole. */
    private static byte[] curveOf(byte[] sec1) throws PemException {
        int[] sequence = element(sec1, 0);
        if (sequence[0] != 0x30) {
            throw new PemException("holds an EC PRIVATE KEY block that is malformed; " + TO_PKCS8);
        }
        for (int at = sequence[2]; at < sequence[3]; ) {
            int[] e = element(sec1, at);
            if (e[0] == 0xa0) {
                int[] oid = element(sec1, e[2]);
                if (oid[0] == 0x06) {
                    return Arrays.copyOfRange(sec1, oid[1], oid[3]);
                }
            }
            at = e[3];
        }
        throw new PemException("holds an EC PRIVATE KEY without a named curve; " + TO_PKCS8);
    }

    /** The DER element at {@code at}: its tag, where it starts, where its value starts and where it ends. */
    private static int[] element(byte[] der, int at) throws PemException {
        if (at + 2 > der.length) {
            throw new PemException("holds a key that is malformed (truncated)");
        }
        int tag = der[at] & 0xff;
        int length = der[at + 1] & 0xff;
        int value = at + 2;
        if (length > 0x80) {
            int octets = length - 0x80;
            if (octets > 3 || value + octets > der.length) {
                throw new PemException("holds a key that is malformed (bad length)");
            }
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (der[value++] & 0xff);
            }
        }
        if (length == 0x80 || value + length > der.length) {
            throw new PemException("holds a key that is malformed (bad length)");
        }
        return new int[] {tag, at, value, value + length};
    }

    /** One DER element of {@code tag} whose value is the parts, one after the other. */
    private static byte[] der(int tag, byte[]... parts) {
        var value = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            value.writeBytes(p);
        }
        int length = value.size();
        var out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xff);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write((length >> 8) & 0xff);
            out.write(length & 0xff);
        }
        out.writeBytes(value.toByteArray());
        return out.toByteArray();
    }
}
