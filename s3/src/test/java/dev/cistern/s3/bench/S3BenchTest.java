package dev.cistern.s3.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.s3.testing.S3Fixture;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load generator against a live server: a short run with few clients must complete and count operations. */
class S3BenchTest {
    @TempDir
    Path dir;

    @Test
    void putThenGetOnReusedConnections() throws Exception {
        try (S3Fixture s3 = new S3Fixture(dir)) {
            RequestSigner signer = new RequestSigner(s3.endpoint(), S3Fixture.ACCESS_KEY, S3Fixture.SECRET_KEY);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            http.send(signer.request("PUT", "benchtest", null, HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            byte[] data = new byte[1 << 20];
            new java.util.Random(1).nextBytes(data);
            for (int i = 0; i < 5; i++) {
                var r = http.send(signer.request("PUT", "benchtest", "k" + i, HttpRequest.BodyPublishers.ofByteArray(data)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            for (int i = 0; i < 10; i++) {
                var r = http.send(signer.request("GET", "benchtest", "k" + (i % 5), HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(data);
            }
            List<S3Bench.Result> results = S3Bench.run("cistern", signer, 2, 1, new int[] {4096});
            assertThat(results).extracting(S3Bench.Result::phase).containsExactly("PUT", "GET");
            assertThat(results).allSatisfy(r -> assertThat(r.ops()).isPositive());
        }
    }
}
