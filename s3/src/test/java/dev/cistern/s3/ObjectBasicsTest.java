package dev.cistern.s3;

import static dev.cistern.s3.testing.S3Fixture.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.s3.testing.S3Fixture;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.*;

/** PUT/GET/HEAD/DELETE, ranges, metadata, conditionals and bucket basics through the AWS SDK v2. */
class ObjectBasicsTest {
    @RegisterExtension
    static final S3Fixture.PerClass s3 = S3Fixture.perClass();
    static S3Client c;

    @BeforeAll
    static void start() {
        c = s3.get().client;
        c.createBucket(b -> b.bucket("basics"));
    }


    @Test
    void putGetHeadDelete() {
        byte[] data = random(300_000, 1);
        PutObjectResponse put = c.putObject(b -> b.bucket("basics").key("dir/a.bin").contentType("application/x-test")
                .metadata(Map.of("color", "blue")), RequestBody.fromBytes(data));
        assertThat(put.eTag()).isNotBlank();
        ResponseBytes<GetObjectResponse> got = c.getObjectAsBytes(b -> b.bucket("basics").key("dir/a.bin"));
        assertThat(got.asByteArray()).isEqualTo(data);
        assertThat(got.response().contentType()).isEqualTo("application/x-test");
        assertThat(got.response().metadata()).containsEntry("color", "blue");
        assertThat(got.response().eTag()).isEqualTo(put.eTag());
        HeadObjectResponse head = c.headObject(b -> b.bucket("basics").key("dir/a.bin"));
        assertThat(head.contentLength()).isEqualTo(300_000L);
        c.deleteObject(b -> b.bucket("basics").key("dir/a.bin"));
        assertThatThrownBy(() -> c.getObjectAsBytes(b -> b.bucket("basics").key("dir/a.bin")))
                .isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void rangedGet() {
        byte[] data = random(10_000, 2);
        c.putObject(b -> b.bucket("basics").key("range"), RequestBody.fromBytes(data));
        var got = c.getObjectAsBytes(b -> b.bucket("basics").key("range").range("bytes=100-199"));
        assertThat(got.asByteArray()).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 200));
        assertThat(got.response().contentRange()).isEqualTo("bytes 100-199/10000");
        var tail = c.getObjectAsBytes(b -> b.bucket("basics").key("range").range("bytes=-10"));
        assertThat(tail.asByteArray()).isEqualTo(java.util.Arrays.copyOfRange(data, 9990, 10000));
        assertThatThrownBy(() -> c.getObjectAsBytes(b -> b.bucket("basics").key("range").range("bytes=20000-")))
                .isInstanceOf(software.amazon.awssdk.services.s3.model.S3Exception.class)
                .satisfies(e -> assertThat(((software.amazon.awssdk.services.s3.model.S3Exception) e).awsErrorDetails().errorCode()).isEqualTo("InvalidRange"));
        // an empty object has no last bytes: a suffix range is unsatisfiable (was 206 with "bytes 0--1/0")
        c.putObject(b -> b.bucket("basics").key("empty-range"), RequestBody.empty());
        for (String r : new String[] {"bytes=-5", "bytes=0-"}) {
            assertThatThrownBy(() -> c.getObjectAsBytes(b -> b.bucket("basics").key("empty-range").range(r)))
                    .as(r).satisfies(e -> {
                        var s3e = (software.amazon.awssdk.services.s3.model.S3Exception) e;
                        assertThat(s3e.statusCode()).isEqualTo(416);
                        assertThat(s3e.awsErrorDetails().errorCode()).isEqualTo("InvalidRange");
                    });
        }
    }

    @Test
    void conditionalRequests() {
        String etag = c.putObject(b -> b.bucket("basics").key("cond"), RequestBody.fromString("v1")).eTag();
        assertThat(c.getObjectAsBytes(b -> b.bucket("basics").key("cond").ifMatch(etag)).asUtf8String()).isEqualTo("v1");
        assertThatThrownBy(() -> c.getObjectAsBytes(b -> b.bucket("basics").key("cond").ifMatch("\"nope\"")))
                .isInstanceOf(software.amazon.awssdk.services.s3.model.S3Exception.class).satisfies(e -> assertThat(((software.amazon.awssdk.services.s3.model.S3Exception) e).statusCode()).isEqualTo(412));
        assertThatThrownBy(() -> c.getObjectAsBytes(b -> b.bucket("basics").key("cond").ifNoneMatch(etag)))
                .isInstanceOf(software.amazon.awssdk.services.s3.model.S3Exception.class).satisfies(e -> assertThat(((software.amazon.awssdk.services.s3.model.S3Exception) e).statusCode()).isEqualTo(304));
        assertThatThrownBy(() -> c.putObject(b -> b.bucket("basics").key("cond").ifNoneMatch("*"), RequestBody.fromString("v2")))
                .isInstanceOf(software.amazon.awssdk.services.s3.model.S3Exception.class).satisfies(e -> assertThat(((software.amazon.awssdk.services.s3.model.S3Exception) e).statusCode()).isEqualTo(412));
        assertThat(c.getObjectAsBytes(b -> b.bucket("basics").key("cond")).asUtf8String()).isEqualTo("v1");
        c.putObject(b -> b.bucket("basics").key("cond-new").ifNoneMatch("*"), RequestBody.fromString("fresh"));
        assertThat(c.getObjectAsBytes(b -> b.bucket("basics").key("cond-new")).asUtf8String()).isEqualTo("fresh");
    }

    @Test
    void emptyObjectAndOddKeys() {
        for (String key : new String[] {"empty", "sp ace/ü+%/x?y=z&", "a//b", "~tilde*star"}) {
            c.putObject(b -> b.bucket("basics").key(key), RequestBody.fromBytes(new byte[0]));
            assertThat(c.getObjectAsBytes(b -> b.bucket("basics").key(key)).asByteArray()).isEmpty();
            assertThat(c.headObject(b -> b.bucket("basics").key(key)).contentLength()).isZero();
        }
    }

    @Test
    void bucketErrors() {
        assertThatThrownBy(() -> c.headBucket(b -> b.bucket("no-such-bucket")))
                .isInstanceOf(NoSuchBucketException.class);
        assertThatThrownBy(() -> c.getObjectAsBytes(b -> b.bucket("no-such-bucket").key("k")))
                .isInstanceOf(NoSuchBucketException.class);
        // us-east-1 legacy behaviour (and RGW's): re-creating one's own bucket is a no-op
        c.createBucket(b -> b.bucket("basics"));
        assertThat(c.listBuckets().buckets()).extracting(Bucket::name).containsOnlyOnce("basics");
        c.createBucket(b -> b.bucket("to-delete"));
        c.putObject(b -> b.bucket("to-delete").key("x"), RequestBody.fromString("x"));
        assertThatThrownBy(() -> c.deleteBucket(b -> b.bucket("to-delete")))
                .isInstanceOf(software.amazon.awssdk.services.s3.model.S3Exception.class)
                .satisfies(e -> assertThat(((software.amazon.awssdk.services.s3.model.S3Exception) e).awsErrorDetails().errorCode()).isEqualTo("BucketNotEmpty"));
        c.deleteObject(b -> b.bucket("to-delete").key("x"));
        c.deleteBucket(b -> b.bucket("to-delete"));
        assertThat(c.listBuckets().buckets()).extracting(Bucket::name).contains("basics").doesNotContain("to-delete");
        assertThat(c.getBucketLocation(b -> b.bucket("basics")).locationConstraintAsString()).isEmpty();
    }

    @Test
    void listV2WithDelimiterAndPaging() {
        c.createBucket(b -> b.bucket("listing"));
        for (String k : new String[] {"a/1", "a/2", "b/1", "c", "d/x/1", "e"}) {
            c.putObject(b -> b.bucket("listing").key(k), RequestBody.fromString(k));
        }
        var r = c.listObjectsV2(b -> b.bucket("listing").delimiter("/"));
        assertThat(r.contents()).extracting(S3Object::key).containsExactly("c", "e");
        assertThat(r.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("a/", "b/", "d/");
        var all = c.listObjectsV2Paginator(b -> b.bucket("listing").maxKeys(2)).contents().stream().map(S3Object::key).toList();
        assertThat(all).containsExactly("a/1", "a/2", "b/1", "c", "d/x/1", "e");
        var pagedDelim = c.listObjectsV2Paginator(b -> b.bucket("listing").maxKeys(1).delimiter("/")).stream().toList();
        assertThat(pagedDelim.stream().flatMap(p -> p.commonPrefixes().stream()).map(CommonPrefix::prefix))
                .containsExactly("a/", "b/", "d/");
        assertThat(pagedDelim.stream().flatMap(p -> p.contents().stream()).map(S3Object::key)).containsExactly("c", "e");
        var v1 = c.listObjects(b -> b.bucket("listing").prefix("a/"));
        assertThat(v1.contents()).extracting(S3Object::key).containsExactly("a/1", "a/2");
        var startAfter = c.listObjectsV2(b -> b.bucket("listing").startAfter("c"));
        assertThat(startAfter.contents()).extracting(S3Object::key).containsExactly("d/x/1", "e");
    }

    @Test
    void copyObjectCopyAndReplace() {
        c.putObject(b -> b.bucket("basics").key("src").contentType("text/plain").metadata(Map.of("k", "v")),
                RequestBody.fromString("copy me", StandardCharsets.UTF_8));
        c.copyObject(b -> b.sourceBucket("basics").sourceKey("src").destinationBucket("basics").destinationKey("dst"));
        var got = c.getObjectAsBytes(b -> b.bucket("basics").key("dst"));
        assertThat(got.asUtf8String()).isEqualTo("copy me");
        assertThat(got.response().metadata()).containsEntry("k", "v");
        c.copyObject(b -> b.sourceBucket("basics").sourceKey("src").destinationBucket("basics").destinationKey("dst2")
                .metadataDirective(MetadataDirective.REPLACE).metadata(Map.of("n", "w")).contentType("a/b"));
        var got2 = c.headObject(b -> b.bucket("basics").key("dst2"));
        assertThat(got2.metadata()).containsEntry("n", "w").doesNotContainKey("k");
        assertThat(got2.contentType()).isEqualTo("a/b");
    }
}
