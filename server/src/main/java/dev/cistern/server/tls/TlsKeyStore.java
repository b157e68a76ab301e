package dev.cistern.server.tls;

import dev.cistern.server.DurableFile;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The server's TLS key and certificate in {@code <data>/tls/server.p12}, created at first start and
 * reused after, so pinned clients keep trusting the server across restarts. The PKCS#12 password is a
 * fixed string: the file is protected by being readable by the owner only (as an SSH host key is), and a
 * password stored beside it would add nothing.
 */
public final class TlsKeyStore {
    static final char[] STORE_PASSWORD = "cistern".toCharArray();
    static final String ALIAS = "server";

    private final Path file;
    private final KeyStore keyStore;

    private TlsKeyStore(Path file, KeyStore keyStore) {
        this.file = file;
        this.keyStore = keyStore;
    }

    /** Loads {@code file}, or creates it with a new self-signed certificate if it does not exist. */
    public static TlsKeyStore loadOrCreate(Path file, Instant now) {
        try {
            if (!Files.exists(file)) create(file, now);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, STORE_PASSWORD);
            }
            if (!ks.isKeyEntry(ALIAS)) {
                throw new IOException("it holds no key entry named '" + ALIAS + "'");
            }
            return new TlsKeyStore(file, ks);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load TLS key store " + file + ": " + e.getMessage()
                    + "; move it away to have a new self-signed certificate made (clients must then re-pin)", e);
        }
    }

    private static void create(Path file, Instant now) throws IOException, GeneralSecurityException {
        Files.createDirectories(file.getParent());
        SelfSignedCertificate.Material m = SelfSignedCertificate.create(now);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, m.keyPair().getPrivate(), STORE_PASSWORD, new Certificate[]{m.certificate()});
        // owner-only before the key is in it, and fsynced: a crash must not leave an empty key store that
        // stops the next start
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ks.store(out, STORE_PASSWORD);
        DurableFile.replace(file, out.toByteArray());
    }

    public Path file() {
        return file;
    }

    public X509Certificate certificate() {
        try {
            return (X509Certificate) keyStore.getCertificate(ALIAS);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the certificate of " + file, e);
        }
    }

    /** SHA-256 of the certificate's DER encoding, as colon-separated upper-case hex: what clients pin. */
    public String fingerprint() {
        return fingerprint(certificate());
    }

    public static String fingerprint(X509Certificate cert) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint certificate", e);
        }
    }

    public SSLContext sslContext() {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, STORE_PASSWORD);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context from " + file + ": " + e.getMessage(), e);
        }
    }

    /** The certificate as a key store of trusted entries, for test clients. */
    public KeyStore trustStore() {
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry(ALIAS, certificate());
            return ts;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a trust store for " + file, e);
        }
    }
}
