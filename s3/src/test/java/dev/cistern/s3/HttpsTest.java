package dev.cistern.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.s3.testing.S3Fixture;
import dev.cistern.s3.testing.TestEngines;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** HTTPS with the server's certificate: a presigned PUT and GET over TLS. */
class HttpsTest {
    @TempDir
    Path dir;

    @Test
    void presignedPutAndGetOverTls() throws Exception {
        Path ks = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "s3", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit").redirectErrorStream(true).start();
        assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SslContext ssl = SslContextBuilder.forServer(kmf).build();
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tmf.getTrustManagers(), null);

        var engine = TestEngines.open(dir.resolve("engine"));
        var keys = S3KeyStore.open(dir.resolve("keys"));
        keys.put(S3Fixture.ACCESS_KEY, S3Fixture.SECRET_KEY, "alice");
        S3Server server = new S3Server(engine, keys, new InetSocketAddress("127.0.0.1", 0), ssl);
        server.start();
        try (S3Presigner presigner = S3Presigner.builder().endpointOverride(URI.create("https://127.0.0.1:" + server.port()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Fixture.ACCESS_KEY,
                        S3Fixture.SECRET_KEY)))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build();
             HttpClient http = HttpClient.newBuilder().sslContext(clientTls).build()) {
            URI mb = presigner.presignPutObject(b -> b.signatureDuration(Duration.ofMinutes(1))
                    .putObjectRequest(r -> r.bucket("tls").key("probe"))).url().toURI();
            // the bucket is made directly in the engine, as an admin tool would; the S3 part under test is TLS + presign
            engine.createGroup(dev.cistern.engine.StorageGroupSpec.of("default"));
            engine.createContainer("default", new dev.cistern.engine.ContainerSpec("tls", "s3", java.util.Map.of("owner", "alice")));
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(mb).PUT(HttpRequest.BodyPublishers.ofString("over tls"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            URI get = presigner.presignGetObject(b -> b.signatureDuration(Duration.ofMinutes(1))
                    .getObjectRequest(r -> r.bucket("tls").key("probe"))).url().toURI();
            HttpResponse<String> got = http.send(HttpRequest.newBuilder(get).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(got.body()).isEqualTo("over tls");
        } finally {
            server.stop();
            engine.close();
        }
    }
}
