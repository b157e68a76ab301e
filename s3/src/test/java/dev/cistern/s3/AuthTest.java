package dev.cistern.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.s3.testing.RawS3;
import dev.cistern.s3.testing.S3Fixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Signature V4 in all its forms, and the refusals: wrong secret, unknown or revoked key, skew, expiry. */
class AuthTest {
    @RegisterExtension
    static final S3Fixture.PerClass s3 = S3Fixture.perClass();
    static RawS3 raw;

    @BeforeAll
    static void start() {
        s3.get().client.createBucket(b -> b.bucket("auth"));
        raw = new RawS3(s3.get().server.port(), S3Fixture.ACCESS_KEY, S3Fixture.SECRET_KEY);
    }

    private static String code(Throwable t) {
        return ((S3Exception) t).awsErrorDetails().errorCode();
    }

    @Test
    void wrongSecretIsSignatureDoesNotMatch() {
        try (var bad = s3.get().client(S3Fixture.ACCESS_KEY, "not-the-secret")) {
            assertThatThrownBy(() -> bad.listBuckets()).isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(code(e)).isEqualTo("SignatureDoesNotMatch"));
        }
    }

    @Test
    void unknownAndRevokedKeysAreRefused() {
        try (var bad = s3.get().client("CKNOSUCHKEY000000000", "x")) {
            assertThatThrownBy(() -> bad.listBuckets()).isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidAccessKeyId"));
        }
        var key = s3.get().keys.add("bob");
        try (var bob = s3.get().client(key.accessKeyId(), key.secretKey())) {
            bob.createBucket(b -> b.bucket("bobs"));
            assertThat(bob.listBuckets().buckets()).extracting(b -> b.name()).containsExactly("bobs");
            assertThatThrownBy(() -> bob.listObjectsV2(b -> b.bucket("auth"))).isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(code(e)).isEqualTo("AccessDenied"));
            assertThat(s3.get().keys.revoke(key.accessKeyId())).isTrue();
            assertThatThrownBy(() -> bob.listBuckets()).isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidAccessKeyId"));
        }
    }

    @Test
    void clockSkewIsRefused() throws Exception {
        raw.time = Instant.now().minus(Duration.ofMinutes(20));
        try {
            RawS3.Response r = raw.send("GET", "/", "", new byte[0], Map.of());
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.code()).isEqualTo("RequestTimeTooSkewed");
        } finally {
            raw.time = null;
        }
    }

    @Test
    void anonymousIsAccessDenied() throws Exception {
        RawS3.Response r = raw.sendRaw("GET /auth HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("AccessDenied");
    }

    @Test
    void presignedGetAndPutAndExpiry() throws Exception {
        s3.get().client.putObject(b -> b.bucket("auth").key("pre"), RequestBody.fromString("presigned body"));
        HttpClient http = HttpClient.newHttpClient();
        try (var p = s3.get().presigner()) {
            URI get = p.presignGetObject(b -> b.signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(g -> g.bucket("auth").key("pre"))).url().toURI();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(get).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("presigned body");
            URI put = p.presignPutObject(b -> b.signatureDuration(Duration.ofMinutes(5))
                    .putObjectRequest(g -> g.bucket("auth").key("pre-put"))).url().toURI();
            r = http.send(HttpRequest.newBuilder(put).PUT(HttpRequest.BodyPublishers.ofString("uploaded")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(s3.get().client.getObjectAsBytes(b -> b.bucket("auth").key("pre-put")).asUtf8String()).isEqualTo("uploaded");
            String tampered = get.toString().replace("pre?", "pre-put?");
            r = http.send(HttpRequest.newBuilder(URI.create(tampered)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("SignatureDoesNotMatch");
        }
        String expired = "/auth/pre?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + S3Fixture.ACCESS_KEY
                + "%2F20200101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20200101T000000Z&X-Amz-Expires=60"
                + "&X-Amz-SignedHeaders=host&X-Amz-Signature=00";
        RawS3.Response r = raw.sendRaw("GET " + expired + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("AccessDenied");
        assertThat(r.body()).contains("expired");
    }

    @Test
    void signedStreamingChunksAreVerified() throws Exception {
        byte[] data = new byte[200_000];
        new java.util.Random(5).nextBytes(data);
        RawS3.Response ok = raw.sendChunked("/auth/chunked", data, 65536, -1, false);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(s3.get().client.getObjectAsBytes(b -> b.bucket("auth").key("chunked")).asByteArray()).isEqualTo(data);
        RawS3.Response bad = raw.sendChunked("/auth/chunked-bad", data, 65536, 2, false);
        assertThat(bad.status()).isEqualTo(403);
        assertThat(bad.code()).isEqualTo("SignatureDoesNotMatch");
        assertThatThrownBy(() -> s3.get().client.headObject(b -> b.bucket("auth").key("chunked-bad")))
                .isInstanceOf(S3Exception.class);
    }

    @Test
    void unsignedPayloadWithChecksumTrailer() throws Exception {
        byte[] data = new byte[150_000];
        new java.util.Random(6).nextBytes(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data);
        String good = java.util.Base64.getEncoder().encodeToString(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        RawS3.Response ok = raw.sendUnsignedTrailer("/auth/trailer", data, 8192, good);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        var head = s3.get().client.headObject(b -> b.bucket("auth").key("trailer")
                .checksumMode(software.amazon.awssdk.services.s3.model.ChecksumMode.ENABLED));
        assertThat(head.checksumCRC32()).isEqualTo(good);
        assertThat(s3.get().client.getObjectAsBytes(b -> b.bucket("auth").key("trailer")).asByteArray()).isEqualTo(data);
        RawS3.Response bad = raw.sendUnsignedTrailer("/auth/trailer-bad", data, 8192, "AAAAAA==");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.code()).isEqualTo("BadDigest");
        assertThatThrownBy(() -> s3.get().client.headObject(b -> b.bucket("auth").key("trailer-bad"))).isInstanceOf(S3Exception.class);
    }

    @Test
    void sdkWithAndWithoutChecksumTrailers() {
        try (var plain = software.amazon.awssdk.services.s3.S3Client.builder().endpointOverride(s3.get().endpoint())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(S3Fixture.ACCESS_KEY, S3Fixture.SECRET_KEY)))
                .forcePathStyle(true).requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build()) {
            plain.putObject(b -> b.bucket("auth").key("no-trailer"), RequestBody.fromString("plain", StandardCharsets.UTF_8));
            assertThat(plain.getObjectAsBytes(b -> b.bucket("auth").key("no-trailer")).asUtf8String()).isEqualTo("plain");
        }
        for (var algo : new software.amazon.awssdk.services.s3.model.ChecksumAlgorithm[] {
                software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.CRC32,
                software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.CRC32_C,
                software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.SHA256}) {
            var put = s3.get().client.putObject(b -> b.bucket("auth").key("ck-" + algo).checksumAlgorithm(algo),
                    RequestBody.fromString("checksummed " + algo));
            var head = s3.get().client.headObject(b -> b.bucket("auth").key("ck-" + algo)
                    .checksumMode(software.amazon.awssdk.services.s3.model.ChecksumMode.ENABLED));
            assertThat(head.contentLength()).isEqualTo(("checksummed " + algo).length());
            assertThat(put.eTag()).isEqualTo(head.eTag());
        }
    }

    @Test
    void headerSignedRequestWithoutContentSha256IsRefused() throws Exception {
        RawS3 noHash = new RawS3(s3.get().server.port(), S3Fixture.ACCESS_KEY, S3Fixture.SECRET_KEY);
        noHash.omitContentSha256 = true;
        byte[] body = "signed as UNSIGNED-PAYLOAD without saying so".getBytes(StandardCharsets.UTF_8);
        RawS3.Response put = noHash.sendUnsignedPayload("PUT", "/auth/no-content-sha256", "", body, Map.of());
        assertThat(put.status()).as(put.body()).isEqualTo(400);
        assertThat(put.code()).isEqualTo("InvalidRequest");
        assertThat(put.body()).contains("x-amz-content-sha256");
        assertThatThrownBy(() -> s3.get().client.headObject(b -> b.bucket("auth").key("no-content-sha256")))
                .isInstanceOf(S3Exception.class);
        RawS3.Response get = noHash.sendUnsignedPayload("GET", "/auth/", "", new byte[0], Map.of());
        assertThat(get.status()).isEqualTo(400);
        // the same request with the header is fine: UNSIGNED-PAYLOAD must be said, not assumed
        RawS3.Response ok = raw.sendUnsignedPayload("PUT", "/auth/no-content-sha256", "", body, Map.of());
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }
}
