package dev.cistern.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.s3.testing.RawS3;
import dev.cistern.s3.testing.S3Fixture;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Checksums sent in an aws-chunked trailer: a declared trailer must arrive and match, in both the
 * signed and the unsigned trailer modes, or the body is refused and nothing is stored.
 */
class TrailingChecksumTest {
    @RegisterExtension
    static final S3Fixture.PerClass s3 = S3Fixture.perClass();
    static RawS3 raw;
    static byte[] data = new byte[150_000];
    static String crc;

    @BeforeAll
    static void start() {
        s3.get().client.createBucket(b -> b.bucket("trailer"));
        raw = new RawS3(s3.get().server.port(), S3Fixture.ACCESS_KEY, S3Fixture.SECRET_KEY);
        new Random(11).nextBytes(data);
        CRC32 c = new CRC32();
        c.update(data);
        crc = Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) c.getValue()).array());
    }

    private static void assertAbsent(String key) {
        assertThatThrownBy(() -> s3.get().client.headObject(b -> b.bucket("trailer").key(key)))
                .isInstanceOf(S3Exception.class).satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(404));
    }

    @Test
    void declaredTrailerThatNeverArrivesIsRefusedAndNothingStored() throws Exception {
        for (boolean signed : new boolean[] {false, true}) {
            String key = "missing-" + (signed ? "signed" : "unsigned");
            RawS3.Response r = raw.sendTrailer("/trailer/" + key, data, 8192, signed, "x-amz-checksum-crc32", null);
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.code()).isEqualTo("MalformedTrailerError");
            assertThat(r.body()).contains("x-amz-checksum-crc32");
            assertAbsent(key);
        }
    }

    @Test
    void trailerDeclaredOnABodyThatCannotCarryOneIsRefused() throws Exception {
        RawS3.Response r = raw.send("PUT", "/trailer/no-chunks", "", data, java.util.Map.of("x-amz-trailer", "x-amz-checksum-crc32"));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("InvalidRequest");
        assertAbsent("no-chunks");
    }

    @Test
    void wrongTrailerChecksumIsRefusedAndNothingStored() throws Exception {
        for (boolean signed : new boolean[] {false, true}) {
            String key = "wrong-" + (signed ? "signed" : "unsigned");
            RawS3.Response r = raw.sendTrailer("/trailer/" + key, data, 8192, signed, "x-amz-checksum-crc32", "AAAAAA==");
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.code()).isEqualTo("BadDigest");
            assertAbsent(key);
        }
    }

    @Test
    void matchingTrailerIsStoredWithItsChecksum() throws Exception {
        for (boolean signed : new boolean[] {false, true}) {
            String key = "good-" + (signed ? "signed" : "unsigned");
            RawS3.Response r = raw.sendTrailer("/trailer/" + key, data, 8192, signed, "x-amz-checksum-crc32", crc);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            var head = s3.get().client.headObject(b -> b.bucket("trailer").key(key).checksumMode(ChecksumMode.ENABLED));
            assertThat(head.checksumCRC32()).isEqualTo(crc);
        }
    }

    @Test
    void sdkDefaultTrailingCrc32StillWorks() {
        var put = s3.get().client.putObject(b -> b.bucket("trailer").key("sdk").checksumAlgorithm(ChecksumAlgorithm.CRC32),
                RequestBody.fromBytes(data));
        assertThat(put.checksumCRC32()).isEqualTo(crc);
        var id = s3.get().client.createMultipartUpload(b -> b.bucket("trailer").key("sdk-mpu")
                .checksumAlgorithm(ChecksumAlgorithm.CRC32)).uploadId();
        var part = s3.get().client.uploadPart(b -> b.bucket("trailer").key("sdk-mpu").uploadId(id).partNumber(1)
                .checksumAlgorithm(ChecksumAlgorithm.CRC32), RequestBody.fromBytes(data));
        assertThat(part.checksumCRC32()).isEqualTo(crc);
        assertThat(s3.get().client.getObjectAsBytes(b -> b.bucket("trailer").key("sdk")).asByteArray()).isEqualTo(data);
    }
}
