package dev.cistern.server.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TlsKeyStoreTest {
    @TempDir
    Path dir;

    @Test
    void createsASelfSignedCertificateOnceAndReusesIt() throws Exception {
        TlsKeyStore first = TlsKeyStore.loadOrCreate(dir.resolve("tls/server.p12"), Instant.now());
        TlsKeyStore second = TlsKeyStore.loadOrCreate(dir.resolve("tls/server.p12"), Instant.now());
        assertThat(second.fingerprint()).isEqualTo(first.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");

        X509Certificate c = first.certificate();
        c.checkValidity();
        c.verify(c.getPublicKey());
        List<Object> sans = c.getSubjectAlternativeNames().stream().map(l -> (Object) l.get(1)).toList();
        assertThat(sans).contains("localhost", "127.0.0.1");
        assertThat(first.sslContext().getProtocol()).isEqualTo("TLS");
    }
}
