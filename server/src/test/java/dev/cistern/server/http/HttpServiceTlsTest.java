package dev.cistern.server.http;

import dev.cistern.server.tls.TlsKeyStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the HTTPS port negotiates: TLS 1.3 and 1.2 only, and in 1.2 only ECDHE with AEAD ciphers. Before the
 * suites were filtered, {@code openssl s_client -tls1_2 -cipher ECDHE-ECDSA-AES128-SHA} connected (CBC with a
 * SHA-1 MAC); so did the clients below.
 */
class HttpServiceTlsTest {
    @TempDir
    Path dir;
    TlsKeyStore tls;
    HttpService http;

    @BeforeEach
    void start() throws Exception {
        tls = TlsKeyStore.loadOrCreate(dir.resolve("server.p12"), Instant.now());
        http = new HttpService(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), tls.sslContext(), () -> ex -> {
            try (ex) {
                ex.sendResponseHeaders(204, -1);
            }
        });
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop();
    }

    @Test
    void cbcSuitesAreRefusedInTls12() throws Exception {
        for (String suite : new String[]{"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"}) {
            assertThatThrownBy(() -> handshake("TLSv1.2", suite)).as(suite).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void aeadSuitesAndTls13AreAccepted() throws Exception {
        assertThat(handshake("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThat(handshake("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"))
                .isEqualTo("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
        assertThat(handshake("TLSv1.3", "TLS_AES_256_GCM_SHA384")).isEqualTo("TLS_AES_256_GCM_SHA384");
    }

    @Test
    void onlyStrongSuitesPassTheFilter() {
        assertThat(HttpService.strongSuite("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")).isTrue();
        assertThat(HttpService.strongSuite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")).isFalse();
        assertThat(HttpService.strongSuite("TLS_RSA_WITH_AES_128_GCM_SHA256")).as("no forward secrecy").isFalse();
        assertThat(HttpService.strongSuite("TLS_DHE_RSA_WITH_AES_128_CBC_SHA")).isFalse();
    }

    /** Handshakes offering only {@code suite} in {@code protocol}; returns the suite agreed. */
    private String handshake(String protocol, String suite) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(tls.trustStore());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), http.port())) {
            s.setSoTimeout(5000);
            s.setEnabledProtocols(new String[]{protocol});
            s.setEnabledCipherSuites(new String[]{suite});
            s.startHandshake();
            return s.getSession().getCipherSuite();
        }
    }
}
