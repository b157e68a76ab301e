package dev.cistern.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.s3.testing.S3Fixture;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/** Many requests on one keep-alive connection: every response framed exactly, every body byte-exact. */
class KeepAliveTest {
    @TempDir
    Path dir;

    @Test
    void sequentialGetsOnOneConnection() throws Exception {
        try (S3Fixture s3 = new S3Fixture(dir); var presigner = s3.presigner()) {
            s3.client.createBucket(b -> b.bucket("keepalive"));
            int[] sizes = {1 << 20, 3 << 20, 5, 0, (1 << 20) + 7, 700_000};
            byte[][] data = new byte[sizes.length][];
            for (int i = 0; i < sizes.length; i++) {
                data[i] = new byte[sizes[i]];
                new Random(i).nextBytes(data[i]);
                int n = i;
                s3.client.putObject(b -> b.bucket("keepalive").key("o" + n), RequestBody.fromBytes(data[n]));
            }
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < sizes.length; i++) {
                    int n = i;
                    var url = presigner.presignGetObject(b -> b.signatureDuration(Duration.ofMinutes(5))
                            .getObjectRequest(g -> g.bucket("keepalive").key("o" + n))).url().toURI();
                    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.body()).as("object o%d round %d", i, round).isEqualTo(data[i]);
                }
            }
        }
    }
}
