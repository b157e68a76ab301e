package dev.cistern.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.s3.testing.S3Fixture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Multipart requests of one upload racing each other: completes, and abort against upload-part. */
class MultipartRaceTest {
    private static final int CLIENTS = 4;
    @RegisterExtension
    static final S3Fixture.PerClass s3 = S3Fixture.perClass();
    static S3Client c;
    static ExecutorService pool;

    @BeforeAll
    static void start() {
        c = s3.get().client;
        c.createBucket(b -> b.bucket("race"));
        c.putBucketVersioning(b -> b.bucket("race").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        pool = Executors.newFixedThreadPool(CLIENTS);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    @Test
    void concurrentCompletesOfOneUploadPublishOneVersion() throws Exception {
        int rounds = 25;
        for (int round = 0; round < rounds; round++) {
            String key = "k";
            String id = c.createMultipartUpload(b -> b.bucket("race").key(key)).uploadId();
            byte[] body = ("round " + round).getBytes();
            String etag = c.uploadPart(b -> b.bucket("race").key(key).uploadId(id).partNumber(1), RequestBody.fromBytes(body)).eTag();
            CompletedPart part = CompletedPart.builder().partNumber(1).eTag(etag).build();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        return "200 " + c.completeMultipartUpload(b -> b.bucket("race").key(key).uploadId(id)
                                .multipartUpload(m -> m.parts(part))).eTag();
                    } catch (S3Exception e) {
                        return e.awsErrorDetails().errorCode();
                    }
                }));
            }
            go.countDown();
            List<String> got = new ArrayList<>();
            for (Future<String> f : results) got.add(f.get());
            assertThat(got).as("round %d", round).anyMatch(s -> s.startsWith("200 "));
            String ok = got.stream().filter(s -> s.startsWith("200 ")).findFirst().orElseThrow();
            assertThat(got).as("round %d", round).allMatch(s -> s.equals(ok) || s.equals("NoSuchUpload"));
            assertThat(c.getObjectAsBytes(b -> b.bucket("race").key(key)).asByteArray()).isEqualTo(body);
            int r = round + 1;
            assertThat(c.listObjectVersions(b -> b.bucket("race").prefix(key)).versions()).as("round %d", round).hasSize(r);
        }
        ContainerHandle h = s3.get().engine.openContainer("race");
        assertThat(h.list("u/", null, 10)).isEmpty();
        assertThat(h.list("p/", null, 10)).isEmpty();
        assertThat(h.list("t/", null, 10)).isEmpty();
    }

    /**
     * An Abort that lands while a part's body is still streaming in: the part must not be committed
     * after the Abort swept the upload's parts (it would stay behind, holding its chunks, with no
     * upload to list, complete or abort it).
     */
    @Test
    void abortWhileAPartStreamsLeavesNoPartBehind() throws Exception {
        String key = "aborted-mid-part";
        String id = c.createMultipartUpload(b -> b.bucket("race").key(key)).uploadId();
        byte[] body = new byte[1 << 20];
        CountDownLatch halfSent = new CountDownLatch(1);
        CountDownLatch aborted = new CountDownLatch(1);
        java.io.InputStream slow = new java.io.InputStream() {
            int pos;

            @Override
            public int read() throws java.io.IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                if (pos >= body.length) return -1;
                if (pos >= body.length / 2) {
                    halfSent.countDown();
                    try {
                        aborted.await();
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                }
                int n = Math.min(len, Math.min(body.length - pos, 8192));
                System.arraycopy(body, pos, b, off, n);
                pos += n;
                return n;
            }
        };
        Future<String> part = pool.submit(() -> {
            try {
                return "200 " + c.uploadPart(b -> b.bucket("race").key(key).uploadId(id).partNumber(1),
                        RequestBody.fromInputStream(slow, body.length)).eTag();
            } catch (S3Exception e) {
                return e.awsErrorDetails().errorCode();
            }
        });
        assertThat(halfSent.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Thread.sleep(200); // the server has long read the head and found the upload
        c.abortMultipartUpload(b -> b.bucket("race").key(key).uploadId(id));
        aborted.countDown();
        assertThat(part.get()).isEqualTo("NoSuchUpload");
        ContainerHandle h = s3.get().engine.openContainer("race");
        assertThat(h.list("p/" + id, null, 10)).isEmpty();
    }
}
