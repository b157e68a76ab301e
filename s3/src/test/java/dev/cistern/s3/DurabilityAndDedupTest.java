package dev.cistern.s3;

import static dev.cistern.s3.testing.S3Fixture.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.engine.Stats;
import dev.cistern.s3.testing.ChildServer;
import dev.cistern.s3.testing.RawS3;
import dev.cistern.s3.testing.S3Fixture;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** What a 200 promises: the object survives kill -9 bit-exact; an interrupted upload leaves nothing. And dedup. */
class DurabilityAndDedupTest {
    @TempDir
    Path dir;


    @Test
    void sameFileUnderTwoKeysIsStoredOnce() {
        try (S3Fixture s3 = new S3Fixture(dir)) {
            s3.client.createBucket(b -> b.bucket("dedup"));
            byte[] data = random(16 << 20, 21);
            s3.client.putObject(b -> b.bucket("dedup").key("backup-monday.vbk"), RequestBody.fromBytes(data));
            Stats once = s3.engine.groupStats("default");
            s3.client.putObject(b -> b.bucket("dedup").key("copy/backup-monday.vbk"), RequestBody.fromBytes(data));
            Stats twice = s3.engine.groupStats("default");
            assertThat(twice.logicalBytes() - once.logicalBytes()).isEqualTo(data.length);
            long added = twice.storedBytes() - once.storedBytes();
            assertThat(added).as("stored bytes added by the second upload of a 16 MiB file").isLessThan(data.length / 100);
            assertThat(twice.dedupRatio()).isGreaterThan(1.9);
            System.out.printf("dedup: first upload stored %d bytes, second added %d bytes, ratio %.2f%n",
                    once.storedBytes(), added, twice.dedupRatio());
        }
    }

    @Test
    void acknowledgedPutsSurviveKill9AndPartialUploadsVanish() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                // RocksDB unpacks its native library into the temp directory; a killed JVM leaves it there
                "-Djava.io.tmpdir=" + dir, "-cp", System.getProperty("java.class.path"),
                ChildServer.class.getName(), dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        Map<String, byte[]> acknowledged = new LinkedHashMap<>();
        try {
            Path portFile = dir.resolve("port");
            for (int i = 0; i < 300 && !Files.exists(portFile); i++) Thread.sleep(100);
            assertThat(portFile).as("child server started; log: %s", dir.resolve("child.log")).exists();
            int port = Integer.parseInt(Files.readString(portFile).trim());
            try (S3Client c = clientFor(port)) {
                c.createBucket(b -> b.bucket("durable"));
                for (int i = 0; i < 6; i++) {
                    byte[] data = random(200_000 + i * 150_000, 100 + i);
                    String key = "obj-" + i;
                    c.putObject(b -> b.bucket("durable").key(key), RequestBody.fromBytes(data));
                    acknowledged.put(key, data);
                }
                // a multipart upload with one part, left unfinished by the kill
                String up = c.createMultipartUpload(b -> b.bucket("durable").key("mp")).uploadId();
                c.uploadPart(b -> b.bucket("durable").key("mp").uploadId(up).partNumber(1), RequestBody.fromBytes(random(900_000, 8)));
                // an upload in flight: headers and half the body sent, never finished
                RawS3 raw = new RawS3(port, S3Fixture.ACCESS_KEY, S3Fixture.SECRET_KEY);
                Map<String, String> h = raw.sign("PUT", "/durable/in-flight", "", "UNSIGNED-PAYLOAD", Map.of());
                h.remove("__signature");
                StringBuilder head = new StringBuilder("PUT /durable/in-flight HTTP/1.1\r\n");
                h.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
                head.append("content-length: 4000000\r\n\r\n");
                try (Socket s = new Socket("127.0.0.1", port)) {
                    OutputStream o = s.getOutputStream();
                    o.write(head.toString().getBytes(StandardCharsets.UTF_8));
                    o.write(random(2_000_000, 9));
                    o.flush();
                    Thread.sleep(300);
                    child.destroyForcibly(); // SIGKILL
                    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                }
            }
        } finally {
            child.destroyForcibly();
        }
        try (S3Fixture reopened = new S3Fixture(dir)) {
            for (var e : acknowledged.entrySet()) {
                byte[] got = reopened.client.getObjectAsBytes(b -> b.bucket("durable").key(e.getKey())).asByteArray();
                assertThat(got).as("object %s after kill -9", e.getKey()).isEqualTo(e.getValue());
            }
            assertThatThrownBy(() -> reopened.client.headObject(b -> b.bucket("durable").key("in-flight")))
                    .isInstanceOf(NoSuchKeyException.class);
            assertThat(reopened.client.listObjectsV2(b -> b.bucket("durable")).contents()).hasSize(acknowledged.size());
            // nothing the kill interrupted holds space: once everything visible goes, a clean empties the group
            for (var u : reopened.client.listMultipartUploads(b -> b.bucket("durable")).uploads()) {
                reopened.client.abortMultipartUpload(b -> b.bucket("durable").key(u.key()).uploadId(u.uploadId()));
            }
            for (String key : acknowledged.keySet()) reopened.client.deleteObject(b -> b.bucket("durable").key(key));
            reopened.engine.clean(dev.cistern.engine.Progress.NONE);
            SpaceReclamationTest.assertEmpty(reopened.engine.groupStats("default"), "after kill -9, restart, deletes and a clean");
        }
    }

    private static S3Client clientFor(int port) {
        return S3Client.builder().endpointOverride(java.net.URI.create("http://127.0.0.1:" + port))
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(S3Fixture.ACCESS_KEY, S3Fixture.SECRET_KEY)))
                .forcePathStyle(true).build();
    }
}
