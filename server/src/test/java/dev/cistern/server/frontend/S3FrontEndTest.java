package dev.cistern.server.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.Engines;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The server's S3 service: keys made through REST sign requests to it, and stop working once revoked. */
class S3FrontEndTest {
    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static S3Client client(int port, String id, String secret) {
        return S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret)))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build();
    }

    @Test
    void restMadeKeysWorkOnTheS3PortUntilRevoked() throws Exception {
        int port = freePort();
        ServerSettings settings = ServerSettings.forTests(dir);
        settings = new ServerSettings(settings.dataDir(), settings.bindAddress(), 0, Map.of("s3", port),
                settings.passwordIterations(), settings.cleanHour(), settings.watchInterval(), settings.backoff(), settings.clock());
        try (TestServer t = new TestServer(settings, d -> Engines.open(EngineConfig.defaults(d)), List.of(new S3FrontEnd()))) {
            String admin = t.login("admin");
            TestServer.Reply created = t.send("POST", "/api/v1/s3-keys", admin, "{\"user\":\"operator\"}");
            assertThat(created.status()).isEqualTo(201);
            String id = created.json().get("accessKeyId").asText();
            String secret = created.json().get("secretKey").asText();
            assertThat(t.send("POST", "/api/v1/s3-keys", admin, "{\"user\":\"nobody\"}").status()).isEqualTo(404);
            assertThat(t.send("POST", "/api/v1/s3-keys", t.login("monitor"), "{\"user\":\"monitor\"}").status()).isEqualTo(403);
            // the operator sees its own key, without the secret
            TestServer.Reply own = t.get("/api/v1/s3-keys", t.login("operator"));
            assertThat(own.json()).hasSize(1);
            assertThat(own.json().get(0).get("secretKey")).isNull();

            try (S3Client s3 = client(port, id, secret)) {
                s3.createBucket(b -> b.bucket("nightly"));
                s3.putObject(b -> b.bucket("nightly").key("a/b.bin"), RequestBody.fromString("hello cistern"));
                assertThat(s3.getObjectAsBytes(b -> b.bucket("nightly").key("a/b.bin")).asUtf8String()).isEqualTo("hello cistern");
            }
            // the bucket is a container of the engine, visible through REST
            assertThat(t.get("/api/v1/containers/nightly", admin).json().get("protocol").asText()).isEqualTo("s3");

            assertThat(t.send("DELETE", "/api/v1/s3-keys/" + id, admin, null).status()).isEqualTo(204);
            try (S3Client s3 = client(port, id, secret)) {
                assertThatThrownBy(() -> s3.listBuckets()).isInstanceOf(S3Exception.class)
                        .extracting(e -> ((S3Exception) e).statusCode()).isEqualTo(403);
            }
        }
    }
}
