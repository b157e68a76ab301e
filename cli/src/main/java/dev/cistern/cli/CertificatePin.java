package dev.cistern.cli;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * Trust by pinning: the server is trusted if its certificate's SHA-256 equals the pinned one. With no pin yet
 * (trust on first use) any certificate is accepted and remembered so the caller can pin it; with
 * {@code insecure} anything is accepted. The certificate's fingerprint, not its host name, is the server's
 * identity here, which is why this extends {@link X509ExtendedTrustManager}: JSSE then leaves identity checks
 * to it and a self-signed server can be reached under any address.
 */
final class CertificatePin extends X509ExtendedTrustManager {
    private final String pinned;
    private final boolean insecure;
    private volatile String seen;

    CertificatePin(String pinned, boolean insecure) {
        this.pinned = pinned;
        this.insecure = insecure;
    }

    String pinned() {
        return pinned;
    }

    /** The fingerprint of the certificate the server presented, once a handshake happened. */
    String seen() {
        return seen;
    }

    boolean mismatch() {
        return pinned != null && seen != null && !pinned.equals(seen);
    }

    static String fingerprint(X509Certificate cert) throws CertificateException {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("cannot fingerprint the server certificate", e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) throw new CertificateException("server sent no certificate");
        seen = fingerprint(chain[0]);
        if (insecure || pinned == null) return;
        if (!pinned.equals(seen)) {
            throw new CertificateException("server certificate SHA-256 " + seen + " differs from the pinned " + pinned);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the CLI does not accept client connections");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
