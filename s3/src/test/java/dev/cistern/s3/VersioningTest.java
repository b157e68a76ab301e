package dev.cistern.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.s3.testing.S3Fixture;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.*;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Version ids, noncurrent versions, delete markers, GET/DELETE by version, suspension, DeleteObjects. */
class VersioningTest {
    @RegisterExtension
    static final S3Fixture.PerClass s3 = S3Fixture.perClass();
    static S3Client c;

    @BeforeAll
    static void start() {
        c = s3.get().client;
        c.createBucket(b -> b.bucket("ver"));
        c.putBucketVersioning(b -> b.bucket("ver").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
    }

    @Test
    void versionsAndDeleteMarkers() {
        assertThat(c.getBucketVersioning(b -> b.bucket("ver")).status()).isEqualTo(BucketVersioningStatus.ENABLED);
        String v1 = c.putObject(b -> b.bucket("ver").key("doc"), RequestBody.fromString("one")).versionId();
        String v2 = c.putObject(b -> b.bucket("ver").key("doc"), RequestBody.fromString("two")).versionId();
        assertThat(v1).isNotEqualTo(v2).isNotEqualTo("null");
        assertThat(c.getObjectAsBytes(b -> b.bucket("ver").key("doc")).asUtf8String()).isEqualTo("two");
        assertThat(c.getObjectAsBytes(b -> b.bucket("ver").key("doc").versionId(v1)).asUtf8String()).isEqualTo("one");
        var del = c.deleteObject(b -> b.bucket("ver").key("doc"));
        assertThat(del.deleteMarker()).isTrue();
        assertThatThrownBy(() -> c.getObjectAsBytes(b -> b.bucket("ver").key("doc"))).isInstanceOf(NoSuchKeyException.class);
        assertThat(c.listObjectsV2(b -> b.bucket("ver").prefix("doc")).contents()).isEmpty();
        var versions = c.listObjectVersions(b -> b.bucket("ver").prefix("doc"));
        assertThat(versions.versions()).extracting(ObjectVersion::versionId).containsExactly(v2, v1);
        assertThat(versions.deleteMarkers()).hasSize(1);
        assertThat(versions.deleteMarkers().get(0).isLatest()).isTrue();
        String marker = versions.deleteMarkers().get(0).versionId();
        // removing the delete marker brings v2 back
        c.deleteObject(b -> b.bucket("ver").key("doc").versionId(marker));
        assertThat(c.getObjectAsBytes(b -> b.bucket("ver").key("doc")).asUtf8String()).isEqualTo("two");
        // deleting v2 by id makes v1 current
        c.deleteObject(b -> b.bucket("ver").key("doc").versionId(v2));
        assertThat(c.getObjectAsBytes(b -> b.bucket("ver").key("doc")).asUtf8String()).isEqualTo("one");
        c.deleteObject(b -> b.bucket("ver").key("doc").versionId(v1));
        assertThat(c.listObjectVersions(b -> b.bucket("ver").prefix("doc")).versions()).isEmpty();
    }

    @Test
    void suspendedWritesNullVersion() {
        c.createBucket(b -> b.bucket("ver-susp"));
        c.putBucketVersioning(b -> b.bucket("ver-susp").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String v1 = c.putObject(b -> b.bucket("ver-susp").key("k"), RequestBody.fromString("kept")).versionId();
        c.putBucketVersioning(b -> b.bucket("ver-susp").versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED)));
        c.putObject(b -> b.bucket("ver-susp").key("k"), RequestBody.fromString("null-1"));
        c.putObject(b -> b.bucket("ver-susp").key("k"), RequestBody.fromString("null-2"));
        var versions = c.listObjectVersions(b -> b.bucket("ver-susp")).versions();
        assertThat(versions).extracting(ObjectVersion::versionId).containsExactly("null", v1);
        assertThat(c.getObjectAsBytes(b -> b.bucket("ver-susp").key("k")).asUtf8String()).isEqualTo("null-2");
        assertThat(c.getObjectAsBytes(b -> b.bucket("ver-susp").key("k").versionId(v1)).asUtf8String()).isEqualTo("kept");
    }

    @Test
    void deleteObjectsBatch() {
        c.createBucket(b -> b.bucket("batch"));
        for (int i = 0; i < 30; i++) {
            int n = i;
            c.putObject(b -> b.bucket("batch").key("k" + n), RequestBody.fromString("v" + n));
        }
        var ids = java.util.stream.IntStream.range(0, 30).mapToObj(i -> ObjectIdentifier.builder().key("k" + i).build()).toList();
        var res = c.deleteObjects(b -> b.bucket("batch").delete(d -> d.objects(ids)));
        assertThat(res.deleted()).hasSize(30);
        assertThat(res.errors()).isEmpty();
        assertThat(c.listObjectsV2(b -> b.bucket("batch")).contents()).isEmpty();
    }

    @Test
    void taggingOfBucketsAndObjects() {
        c.putObject(b -> b.bucket("ver").key("tagged").tagging("a=1&b=2"), RequestBody.fromString("t"));
        assertThat(c.getObjectTagging(b -> b.bucket("ver").key("tagged")).tagSet()).extracting(Tag::key).containsExactly("a", "b");
        c.putObjectTagging(b -> b.bucket("ver").key("tagged").tagging(t -> t.tagSet(Tag.builder().key("x").value("y").build())));
        assertThat(c.getObjectTagging(b -> b.bucket("ver").key("tagged")).tagSet()).extracting(Tag::value).containsExactly("y");
        c.deleteObjectTagging(b -> b.bucket("ver").key("tagged"));
        assertThat(c.getObjectTagging(b -> b.bucket("ver").key("tagged")).tagSet()).isEmpty();
        assertThatThrownBy(() -> c.getBucketTagging(b -> b.bucket("ver")))
                .satisfies(e -> assertThat(((S3Exception) e).awsErrorDetails().errorCode()).isEqualTo("NoSuchTagSet"));
        c.putBucketTagging(b -> b.bucket("ver").tagging(t -> t.tagSet(Tag.builder().key("team").value("backup").build())));
        assertThat(c.getBucketTagging(b -> b.bucket("ver")).tagSet()).extracting(Tag::value).containsExactly("backup");
        c.deleteBucketTagging(b -> b.bucket("ver"));
        assertThatThrownBy(() -> c.getBucketTagging(b -> b.bucket("ver"))).isInstanceOf(S3Exception.class);
    }

    /**
     * An object written before versioning was enabled is the "null" version; the first overwrite with
     * versioning enabled must keep it as a noncurrent version, not destroy it.
     */
    @Test
    void enablingVersioningKeepsTheNullVersionOnOverwrite() {
        c.createBucket(b -> b.bucket("ver-null"));
        c.putObject(b -> b.bucket("ver-null").key("k"), RequestBody.fromString("before versioning"));
        c.putBucketVersioning(b -> b.bucket("ver-null").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String v2 = c.putObject(b -> b.bucket("ver-null").key("k"), RequestBody.fromString("after")).versionId();
        assertThat(c.listObjectVersions(b -> b.bucket("ver-null")).versions()).extracting(ObjectVersion::versionId)
                .containsExactly(v2, "null");
        assertThat(c.getObjectAsBytes(b -> b.bucket("ver-null").key("k").versionId("null")).asUtf8String())
                .isEqualTo("before versioning");
        // deleting the current version by id brings the null version back as current
        c.deleteObject(b -> b.bucket("ver-null").key("k").versionId(v2));
        assertThat(c.getObjectAsBytes(b -> b.bucket("ver-null").key("k")).asUtf8String()).isEqualTo("before versioning");
        assertThat(c.listObjectVersions(b -> b.bucket("ver-null")).versions()).extracting(ObjectVersion::versionId)
                .containsExactly("null");
        // and a delete marker over it keeps it too
        c.deleteObject(b -> b.bucket("ver-null").key("k"));
        assertThat(c.getObjectAsBytes(b -> b.bucket("ver-null").key("k").versionId("null")).asUtf8String())
                .isEqualTo("before versioning");
    }

    /** Enabled, suspended, enabled again: deleting the current version promotes the newer "null" one, not an older id. */
    @Test
    void deletingTheCurrentVersionPromotesTheNewestEvenWhenItIsNull() {
        c.createBucket(b -> b.bucket("ver-null2"));
        c.putBucketVersioning(b -> b.bucket("ver-null2").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        c.putObject(b -> b.bucket("ver-null2").key("k"), RequestBody.fromString("oldest"));
        c.putBucketVersioning(b -> b.bucket("ver-null2").versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED)));
        c.putObject(b -> b.bucket("ver-null2").key("k"), RequestBody.fromString("null"));
        c.putBucketVersioning(b -> b.bucket("ver-null2").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String v3 = c.putObject(b -> b.bucket("ver-null2").key("k"), RequestBody.fromString("newest")).versionId();
        assertThat(c.listObjectVersions(b -> b.bucket("ver-null2")).versions()).hasSize(3);
        c.deleteObject(b -> b.bucket("ver-null2").key("k").versionId(v3));
        assertThat(c.getObjectAsBytes(b -> b.bucket("ver-null2").key("k")).asUtf8String()).isEqualTo("null");
    }

    /** Paging ListObjectVersions one version at a time visits each version once, the "null" one included, in time order. */
    @Test
    void listObjectVersionsPagesThroughNullVersions() {
        c.createBucket(b -> b.bucket("ver-page"));
        c.putBucketVersioning(b -> b.bucket("ver-page").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String v1 = c.putObject(b -> b.bucket("ver-page").key("k"), RequestBody.fromString("1")).versionId();
        c.putBucketVersioning(b -> b.bucket("ver-page").versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED)));
        c.putObject(b -> b.bucket("ver-page").key("k"), RequestBody.fromString("null"));
        List<String> suspended = pageVersions("ver-page");
        assertThat(suspended).containsExactly("null", v1);
        c.putBucketVersioning(b -> b.bucket("ver-page").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String v3 = c.putObject(b -> b.bucket("ver-page").key("k"), RequestBody.fromString("3")).versionId();
        assertThat(pageVersions("ver-page")).containsExactly(v3, "null", v1);
        assertThat(c.listObjectVersions(b -> b.bucket("ver-page")).versions()).extracting(ObjectVersion::versionId)
                .containsExactly(v3, "null", v1);
    }

    private static List<String> pageVersions(String bucket) {
        List<String> seen = new java.util.ArrayList<>();
        String km = null;
        String vm = null;
        for (int page = 0; page < 10; page++) {
            String k = km;
            String v = vm;
            var r = c.listObjectVersions(b -> b.bucket(bucket).maxKeys(1).keyMarker(k).versionIdMarker(v));
            r.versions().forEach(o -> seen.add(o.versionId()));
            if (!r.isTruncated()) return seen;
            km = r.nextKeyMarker();
            vm = r.nextVersionIdMarker();
        }
        seen.add("(still truncated after 10 pages)");
        return seen;
    }
}
