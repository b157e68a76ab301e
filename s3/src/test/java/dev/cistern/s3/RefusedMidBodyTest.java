package dev.cistern.s3;

import static dev.cistern.s3.testing.S3Fixture.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.s3.testing.S3Fixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A PUT the engine refuses part way through its body (quota, full disk) reaches the client as its S3 error,
 * even when many megabytes of the body are still to come: a client that sends the whole body before it
 * reads (the AWS SDK's default HTTP client) would otherwise see the connection reset, not why.
 */
class RefusedMidBodyTest {
    @TempDir
    Path dir;

    @Test
    void quotaRefusalOfALargePutReachesTheClient() {
        try (S3Fixture s3 = new S3Fixture(dir)) {
            s3.client.createBucket(b -> b.bucket("small"));
            s3.engine.updateGroup("default", null, 2L << 20);
            byte[] data = random(24 << 20, 5);
            assertThatThrownBy(() -> s3.client.putObject(b -> b.bucket("small").key("big"), RequestBody.fromBytes(data)))
                    .isInstanceOf(S3Exception.class)
                    .satisfies(e -> {
                        S3Exception s = (S3Exception) e;
                        assertThat(s.statusCode()).isEqualTo(403);
                        assertThat(s.awsErrorDetails().errorCode()).isEqualTo("QuotaExceeded");
                    });
            // the server is still fine for the next request
            s3.client.putObject(b -> b.bucket("small").key("tiny"), RequestBody.fromString("ok"));
        }
    }
}
