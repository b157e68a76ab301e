package dev.cistern.s3;

import static dev.cistern.s3.testing.S3Fixture.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.s3.testing.S3Fixture;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Multipart uploads: the happy path, the ETag form, part copies, listing, abort and every refusal of Complete. */
class MultipartTest {
    private static final int MIB = 1 << 20;
    @RegisterExtension
    static final S3Fixture.PerClass s3 = S3Fixture.perClass();
    static S3Client c;

    @BeforeAll
    static void start() {
        c = s3.get().client;
        c.createBucket(b -> b.bucket("mpu"));
    }

    private static String code(Throwable t) {
        return ((S3Exception) t).awsErrorDetails().errorCode();
    }


    @Test
    void uploadListCompleteAndEtag() throws Exception {
        String id = c.createMultipartUpload(b -> b.bucket("mpu").key("big").contentType("application/x-big")).uploadId();
        byte[][] parts = {random(5 * MIB, 1), random(5 * MIB, 2), random(123_456, 3)};
        List<CompletedPart> done = new ArrayList<>();
        MessageDigest md5s = MessageDigest.getInstance("MD5");
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        for (int i = 0; i < parts.length; i++) {
            int n = i + 1;
            byte[] p = parts[i];
            String etag = c.uploadPart(b -> b.bucket("mpu").key("big").uploadId(id).partNumber(n), RequestBody.fromBytes(p)).eTag();
            done.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
            md5s.update(MessageDigest.getInstance("MD5").digest(p));
            whole.writeBytes(p);
        }
        assertThat(c.listMultipartUploads(b -> b.bucket("mpu")).uploads()).extracting(u -> u.uploadId()).contains(id);
        var listed = c.listParts(b -> b.bucket("mpu").key("big").uploadId(id));
        assertThat(listed.parts()).extracting(p -> p.size()).containsExactly((long) 5 * MIB, (long) 5 * MIB, 123_456L);
        var res = c.completeMultipartUpload(b -> b.bucket("mpu").key("big").uploadId(id).multipartUpload(m -> m.parts(done)));
        String expected = "\"" + HexFormat.of().formatHex(md5s.digest()) + "-3\"";
        assertThat(res.eTag()).isEqualTo(expected);
        var got = c.getObjectAsBytes(b -> b.bucket("mpu").key("big"));
        assertThat(got.asByteArray()).isEqualTo(whole.toByteArray());
        assertThat(got.response().eTag()).isEqualTo(expected);
        assertThat(got.response().contentType()).isEqualTo("application/x-big");
        assertThat(c.listMultipartUploads(b -> b.bucket("mpu")).uploads()).extracting(u -> u.uploadId()).doesNotContain(id);
        assertThatThrownBy(() -> c.listParts(b -> b.bucket("mpu").key("big").uploadId(id)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("NoSuchUpload"));
    }

    @Test
    void largeCompleteIsKeptAliveAndReportsLateErrorsInTheBody() throws Exception {
        int parts = 14; // 70 MiB: above the size where Complete answers 200 early and keeps the connection alive
        MessageDigest whole = MessageDigest.getInstance("MD5");
        List<CompletedPart> done = new ArrayList<>();
        String id = c.createMultipartUpload(b -> b.bucket("mpu").key("large")).uploadId();
        for (int i = 1; i <= parts; i++) {
            int n = i;
            byte[] p = random(5 * MIB, 100 + i);
            whole.update(p);
            String etag = c.uploadPart(b -> b.bucket("mpu").key("large").uploadId(id).partNumber(n), RequestBody.fromBytes(p)).eTag();
            done.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
        }
        String etag = c.completeMultipartUpload(b -> b.bucket("mpu").key("large").uploadId(id)
                .multipartUpload(m -> m.parts(done))).eTag();
        assertThat(etag).endsWith("-14\"");
        try (var in = c.getObject(b -> b.bucket("mpu").key("large"))) {
            MessageDigest got = MessageDigest.getInstance("MD5");
            byte[] buf = new byte[1 << 16];
            int n;
            long size = 0;
            while ((n = in.read(buf)) > 0) {
                got.update(buf, 0, n);
                size += n;
            }
            assertThat(size).isEqualTo((long) parts * 5 * MIB);
            assertThat(got.digest()).isEqualTo(whole.digest());
        }
        // a refusal found only while assembling arrives as an Error document inside the 200
        String id2 = c.createMultipartUpload(b -> b.bucket("mpu").key("large")).uploadId();
        List<CompletedPart> done2 = new ArrayList<>();
        for (int i = 1; i <= parts; i++) {
            int n = i;
            String e = c.uploadPart(b -> b.bucket("mpu").key("large").uploadId(id2).partNumber(n),
                    RequestBody.fromBytes(random(5 * MIB, 200 + n))).eTag();
            done2.add(CompletedPart.builder().partNumber(n).eTag(e).build());
        }
        assertThatThrownBy(() -> c.completeMultipartUpload(b -> b.bucket("mpu").key("large").uploadId(id2).ifNoneMatch("*")
                .multipartUpload(m -> m.parts(done2))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("PreconditionFailed"));
        assertThat(c.headObject(b -> b.bucket("mpu").key("large")).eTag()).isEqualTo(etag);
    }

    @Test
    void completeRefusals() {
        String id = c.createMultipartUpload(b -> b.bucket("mpu").key("bad")).uploadId();
        String e1 = c.uploadPart(b -> b.bucket("mpu").key("bad").uploadId(id).partNumber(1), RequestBody.fromBytes(random(1000, 4))).eTag();
        String e2 = c.uploadPart(b -> b.bucket("mpu").key("bad").uploadId(id).partNumber(2), RequestBody.fromBytes(random(1000, 5))).eTag();
        CompletedPart p1 = CompletedPart.builder().partNumber(1).eTag(e1).build();
        CompletedPart p2 = CompletedPart.builder().partNumber(2).eTag(e2).build();
        assertThatThrownBy(() -> c.completeMultipartUpload(b -> b.bucket("mpu").key("bad").uploadId(id)
                .multipartUpload(m -> m.parts(p1, p2))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("EntityTooSmall"));
        assertThatThrownBy(() -> c.completeMultipartUpload(b -> b.bucket("mpu").key("bad").uploadId(id)
                .multipartUpload(m -> m.parts(p2, p1))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidPartOrder"));
        assertThatThrownBy(() -> c.completeMultipartUpload(b -> b.bucket("mpu").key("bad").uploadId(id)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag("\"0123\"").build()))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidPart"));
        assertThatThrownBy(() -> c.completeMultipartUpload(b -> b.bucket("mpu").key("bad").uploadId(id)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(3).eTag(e1).build()))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidPart"));
        assertThatThrownBy(() -> c.headObject(b -> b.bucket("mpu").key("bad")))
                .isInstanceOf(software.amazon.awssdk.services.s3.model.NoSuchKeyException.class);
        // a single small last part is fine
        c.completeMultipartUpload(b -> b.bucket("mpu").key("bad").uploadId(id).multipartUpload(m -> m.parts(p1)));
        assertThat(c.getObjectAsBytes(b -> b.bucket("mpu").key("bad")).asByteArray()).isEqualTo(random(1000, 4));
    }

    @Test
    void abortRemovesUploadAndParts() {
        String id = c.createMultipartUpload(b -> b.bucket("mpu").key("aborted")).uploadId();
        c.uploadPart(b -> b.bucket("mpu").key("aborted").uploadId(id).partNumber(1), RequestBody.fromBytes(random(1000, 6)));
        c.abortMultipartUpload(b -> b.bucket("mpu").key("aborted").uploadId(id));
        assertThatThrownBy(() -> c.uploadPart(b -> b.bucket("mpu").key("aborted").uploadId(id).partNumber(2),
                RequestBody.fromBytes(new byte[1]))).satisfies(e -> assertThat(code(e)).isEqualTo("NoSuchUpload"));
        assertThatThrownBy(() -> c.headObject(b -> b.bucket("mpu").key("aborted")))
                .isInstanceOf(software.amazon.awssdk.services.s3.model.NoSuchKeyException.class);
    }

    @Test
    void uploadPartCopyWholeAndRange() {
        byte[] src = random(6 * MIB, 7);
        c.putObject(b -> b.bucket("mpu").key("copy-src"), RequestBody.fromBytes(src));
        String id = c.createMultipartUpload(b -> b.bucket("mpu").key("copied")).uploadId();
        String e1 = c.uploadPartCopy(b -> b.sourceBucket("mpu").sourceKey("copy-src").destinationBucket("mpu")
                .destinationKey("copied").uploadId(id).partNumber(1)).copyPartResult().eTag();
        String e2 = c.uploadPartCopy(b -> b.sourceBucket("mpu").sourceKey("copy-src").destinationBucket("mpu")
                .destinationKey("copied").uploadId(id).partNumber(2).copySourceRange("bytes=0-99")).copyPartResult().eTag();
        c.completeMultipartUpload(b -> b.bucket("mpu").key("copied").uploadId(id).multipartUpload(m -> m.parts(
                CompletedPart.builder().partNumber(1).eTag(e1).build(), CompletedPart.builder().partNumber(2).eTag(e2).build())));
        byte[] got = c.getObjectAsBytes(b -> b.bucket("mpu").key("copied")).asByteArray();
        assertThat(got.length).isEqualTo(6 * MIB + 100);
        assertThat(java.util.Arrays.copyOfRange(got, 6 * MIB, 6 * MIB + 100)).isEqualTo(java.util.Arrays.copyOf(src, 100));
    }

    /** A part number above 10000 is refused, never taken as part 10000 (which it would overwrite). */
    @Test
    void partNumberAboveTheLimitIsRefusedAndChangesNothing() {
        c.putObject(b -> b.bucket("mpu").key("numbers-src"), RequestBody.fromString("intruder"));
        String id = c.createMultipartUpload(b -> b.bucket("mpu").key("numbers")).uploadId();
        String kept = c.uploadPart(b -> b.bucket("mpu").key("numbers").uploadId(id).partNumber(10000),
                RequestBody.fromString("part ten thousand")).eTag();
        for (int n : new int[] {10001, 99999, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> c.uploadPart(b -> b.bucket("mpu").key("numbers").uploadId(id).partNumber(n),
                    RequestBody.fromString("intruder"))).as("part %d", n).satisfies(t -> assertThat(code(t)).isEqualTo("InvalidArgument"));
            assertThatThrownBy(() -> c.uploadPartCopy(b -> b.sourceBucket("mpu").sourceKey("numbers-src").destinationBucket("mpu")
                    .destinationKey("numbers").uploadId(id).partNumber(n))).as("copied part %d", n)
                    .satisfies(t -> assertThat(code(t)).isEqualTo("InvalidArgument"));
        }
        var parts = c.listParts(b -> b.bucket("mpu").key("numbers").uploadId(id)).parts();
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).partNumber()).isEqualTo(10000);
        assertThat(parts.get(0).eTag()).isEqualTo(kept);
    }

    /** Copy-part ranges and copy sources that do not parse are 400s, not internal errors. */
    @Test
    void malformedCopyPartRangeAndSourceAreClientErrors() {
        c.putObject(b -> b.bucket("mpu").key("range-src"), RequestBody.fromString("0123456789"));
        String id = c.createMultipartUpload(b -> b.bucket("mpu").key("range-dst")).uploadId();
        assertThatThrownBy(() -> c.uploadPartCopy(b -> b.sourceBucket("mpu").sourceKey("range-src").destinationBucket("mpu")
                .destinationKey("range-dst").uploadId(id).partNumber(1).copySourceRange("bytes=0-99999999999999999999")))
                .satisfies(t -> assertThat(((S3Exception) t).statusCode()).isEqualTo(400));
        assertThatThrownBy(() -> c.uploadPartCopy(b -> b.copySource("mpu/range-src?versionId=%zz").destinationBucket("mpu")
                .destinationKey("range-dst").uploadId(id).partNumber(1)))
                .satisfies(t -> assertThat(((S3Exception) t).statusCode()).isEqualTo(400));
        assertThat(c.listParts(b -> b.bucket("mpu").key("range-dst").uploadId(id)).parts()).isEmpty();
    }

    /**
     * Paging ListMultipartUploads with key-marker/upload-id-marker visits every upload once, also when
     * many uploads share a key (the marker names a position in the listing's own order).
     */
    @Test
    void listMultipartUploadsPagesThroughUploadsOfOneKey() {
        c.createBucket(b -> b.bucket("mpu-list"));
        java.util.Set<String> created = new java.util.HashSet<>();
        for (String key : new String[] {"a", "same", "same", "same", "same", "same", "same", "same", "z"}) {
            created.add(c.createMultipartUpload(b -> b.bucket("mpu-list").key(key)).uploadId());
        }
        List<String> seen = new ArrayList<>();
        String keyMarker = null;
        String idMarker = null;
        for (int page = 0; page < 20; page++) {
            String km = keyMarker;
            String im = idMarker;
            var r = c.listMultipartUploads(b -> b.bucket("mpu-list").maxUploads(2).keyMarker(km).uploadIdMarker(im));
            r.uploads().forEach(u -> seen.add(u.uploadId()));
            if (!r.isTruncated()) break;
            keyMarker = r.nextKeyMarker();
            idMarker = r.nextUploadIdMarker();
        }
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(created);
    }

    /**
     * A Complete listing the full 10000 parts, each with the SHA-256 checksum the SDK adds, is a ~1.7 MB
     * document: it must be read and judged (here: the parts were never uploaded), not refused as too large.
     */
    @Test
    void completeListingTenThousandChecksummedPartsIsRead() {
        String id = c.createMultipartUpload(b -> b.bucket("mpu").key("ten-thousand")).uploadId();
        String sha = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        List<CompletedPart> listed = new ArrayList<>();
        for (int n = 1; n <= 10_000; n++) {
            listed.add(CompletedPart.builder().partNumber(n).eTag("\"0123456789abcdef0123456789abcdef\"").checksumSHA256(sha).build());
        }
        assertThatThrownBy(() -> c.completeMultipartUpload(b -> b.bucket("mpu").key("ten-thousand").uploadId(id)
                .multipartUpload(m -> m.parts(listed)))).satisfies(e -> assertThat(code(e)).isEqualTo("InvalidPart"));
    }
}
