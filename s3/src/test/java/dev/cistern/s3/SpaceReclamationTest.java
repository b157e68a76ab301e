package dev.cistern.s3;

import static dev.cistern.s3.testing.S3Fixture.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.engine.Progress;
import dev.cistern.engine.Stats;
import dev.cistern.s3.testing.S3Fixture;
import dev.cistern.s3.testing.TestEngines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import dev.cistern.s3.S3Config;

/**
 * Space comes back: every way S3 drops data (delete, overwrite, versions and delete markers, aborted and
 * completed multipart uploads, failed uploads, CopyObject, bucket delete) leaves nothing a clean keeps.
 * Objects that stay read back whole after the clean; once they go too, the group is empty again.
 */
class SpaceReclamationTest {
    @TempDir
    Path dir;


    private static byte[] get(S3Client c, String bucket, String key) {
        return c.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    @Test
    void everyWayOfDroppingDataGivesItsSpaceBack() throws IOException {
        try (S3Fixture s3 = new S3Fixture(dir)) {
            S3Client c = s3.client;
            c.createBucket(b -> b.bucket("plain"));
            c.createBucket(b -> b.bucket("versioned"));
            c.putBucketVersioning(b -> b.bucket("versioned").versioningConfiguration(v -> v.status("Enabled")));
            long seed = 1;

            // overwrite and delete
            byte[] keepA = random(900_000, seed++);
            c.putObject(b -> b.bucket("plain").key("a"), RequestBody.fromBytes(random(1_500_000, 100)));
            c.putObject(b -> b.bucket("plain").key("a"), RequestBody.fromBytes(keepA));
            c.putObject(b -> b.bucket("plain").key("b"), RequestBody.fromBytes(random(1_200_000, seed++)));
            c.deleteObject(b -> b.bucket("plain").key("b"));
            // a failed PUT (Content-MD5 mismatch) over nothing
            assertThatThrownBy(() -> c.putObject(b -> b.bucket("plain").key("bad").contentMD5("AAAAAAAAAAAAAAAAAAAAAA=="),
                    RequestBody.fromBytes(random(700_000, 101)))).isInstanceOf(Exception.class);
            // CopyObject within the bucket, with new metadata (staged copy), then the source overwritten
            c.putObject(b -> b.bucket("plain").key("src"), RequestBody.fromBytes(random(800_000, 102)));
            c.copyObject(b -> b.sourceBucket("plain").sourceKey("src").destinationBucket("plain").destinationKey("copy")
                    .metadataDirective("REPLACE").metadata(Map.of("x", "y")));
            c.deleteObject(b -> b.bucket("plain").key("src"));
            c.putObject(b -> b.bucket("plain").key("copy"), RequestBody.fromBytes(random(300_000, 103)));

            // multipart: completed (with a part re-uploaded and a part left out), aborted, failed complete
            String up = c.createMultipartUpload(b -> b.bucket("plain").key("mp")).uploadId();
            List<CompletedPart> parts = new ArrayList<>();
            byte[] p1 = random(5 << 20, 104);
            c.uploadPart(b -> b.bucket("plain").key("mp").uploadId(up).partNumber(1), RequestBody.fromBytes(random(5 << 20, 105)));
            String e1 = c.uploadPart(b -> b.bucket("plain").key("mp").uploadId(up).partNumber(1), RequestBody.fromBytes(p1)).eTag();
            c.uploadPart(b -> b.bucket("plain").key("mp").uploadId(up).partNumber(2), RequestBody.fromBytes(random(600_000, 106)));
            byte[] p3 = random(400_000, 107);
            String e3 = c.uploadPart(b -> b.bucket("plain").key("mp").uploadId(up).partNumber(3), RequestBody.fromBytes(p3)).eTag();
            parts.add(CompletedPart.builder().partNumber(1).eTag(e1).build());
            parts.add(CompletedPart.builder().partNumber(3).eTag(e3).build());
            c.completeMultipartUpload(b -> b.bucket("plain").key("mp").uploadId(up).multipartUpload(m -> m.parts(parts)));

            String ab = c.createMultipartUpload(b -> b.bucket("plain").key("ab")).uploadId();
            c.uploadPart(b -> b.bucket("plain").key("ab").uploadId(ab).partNumber(1), RequestBody.fromBytes(random(700_000, 108)));
            c.uploadPartCopy(b -> b.sourceBucket("plain").sourceKey("a").destinationBucket("plain").destinationKey("ab")
                    .uploadId(ab).partNumber(2));
            String bad = c.createMultipartUpload(b -> b.bucket("plain").key("ab")).uploadId();
            String small = c.uploadPart(b -> b.bucket("plain").key("ab").uploadId(bad).partNumber(1),
                    RequestBody.fromBytes(random(300_000, 109))).eTag();
            String small2 = c.uploadPart(b -> b.bucket("plain").key("ab").uploadId(bad).partNumber(2),
                    RequestBody.fromBytes(random(300_000, 110))).eTag();
            assertThatThrownBy(() -> c.completeMultipartUpload(b -> b.bucket("plain").key("ab").uploadId(bad).multipartUpload(m -> m.parts(
                    CompletedPart.builder().partNumber(1).eTag(small).build(),
                    CompletedPart.builder().partNumber(2).eTag(small2).build())))).isInstanceOf(Exception.class);
            c.abortMultipartUpload(b -> b.bucket("plain").key("ab").uploadId(ab));
            c.abortMultipartUpload(b -> b.bucket("plain").key("ab").uploadId(bad));

            // versions, delete markers, deletes by id
            for (int i = 0; i < 3; i++) {
                c.putObject(b -> b.bucket("versioned").key("v"), RequestBody.fromBytes(random(500_000, 200 + System.nanoTime() % 1000)));
            }
            c.deleteObject(b -> b.bucket("versioned").key("v"));
            byte[] keepW = random(600_000, 300);
            c.putObject(b -> b.bucket("versioned").key("w"), RequestBody.fromBytes(random(600_000, 301)));
            c.putObject(b -> b.bucket("versioned").key("w"), RequestBody.fromBytes(keepW));
            c.copyObject(b -> b.sourceBucket("versioned").sourceKey("w").destinationBucket("versioned").destinationKey("w2"));
            c.putBucketVersioning(b -> b.bucket("versioned").versioningConfiguration(v -> v.status("Suspended")));
            c.putObject(b -> b.bucket("versioned").key("s"), RequestBody.fromBytes(random(400_000, 302)));
            c.putObject(b -> b.bucket("versioned").key("s"), RequestBody.fromBytes(random(400_000, 303)));
            c.deleteObject(b -> b.bucket("versioned").key("s"));
            // drop every noncurrent version and delete marker: the current ones stay
            var listing = c.listObjectVersions(b -> b.bucket("versioned"));
            for (ObjectVersion v : listing.versions()) {
                if (!v.isLatest()) c.deleteObject(b -> b.bucket("versioned").key(v.key()).versionId(v.versionId()));
            }
            for (DeleteMarkerEntry m : listing.deleteMarkers()) {
                c.deleteObject(b -> b.bucket("versioned").key(m.key()).versionId(m.versionId()));
            }

            s3.engine.clean(Progress.NONE);
            assertThat(get(c, "plain", "a")).isEqualTo(keepA);
            byte[] mp = get(c, "plain", "mp");
            assertThat(mp.length).isEqualTo(p1.length + p3.length);
            assertThat(java.util.Arrays.copyOfRange(mp, p1.length, mp.length)).isEqualTo(p3);
            assertThat(get(c, "versioned", "w")).isEqualTo(keepW);
            assertThat(get(c, "versioned", "w2")).isEqualTo(keepW);

            // now the rest goes, by deleting the buckets' contents and the buckets
            for (String bucket : List.of("plain", "versioned")) {
                var all = c.listObjectVersions(b -> b.bucket(bucket));
                for (ObjectVersion v : all.versions()) c.deleteObject(b -> b.bucket(bucket).key(v.key()).versionId(v.versionId()));
                for (DeleteMarkerEntry m : all.deleteMarkers()) c.deleteObject(b -> b.bucket(bucket).key(m.key()).versionId(m.versionId()));
                c.deleteBucket(b -> b.bucket(bucket));
            }
            s3.engine.clean(Progress.NONE);
            assertEmpty(s3.engine.groupStats("default"), "after deleting everything and a clean");
        }
        try (var engine = TestEngines.open(dir.resolve("engine"))) {
            assertEmpty(engine.groupStats("default"), "after a restart");
        }
        assertThat(containerBytes(dir.resolve("engine"))).as("bytes left in chunk container files").isLessThan(64 * 1024);
    }

    /**
     * A crash between keeping the current version under its noncurrent name and committing the new one
     * leaves the current version under both names with the same id (see the store's package docs).
     * Deleting that version by id must delete it, not promote its own duplicate back over it.
     */
    @Test
    void deletingTheCurrentVersionByIdIgnoresItsCrashLeftDuplicate() {
        try (S3Fixture s3 = new S3Fixture(dir)) {
            S3Client c = s3.client;
            c.createBucket(b -> b.bucket("vers"));
            c.putBucketVersioning(b -> b.bucket("vers").versioningConfiguration(v -> v.status("Enabled")));
            byte[] older = random(700_000, 1);
            byte[] newer = random(700_000, 2);
            String v1 = c.putObject(b -> b.bucket("vers").key("k"), RequestBody.fromBytes(older)).versionId();
            String v2 = c.putObject(b -> b.bucket("vers").key("k"), RequestBody.fromBytes(newer)).versionId();
            // what the crash leaves: the current version copied to its noncurrent name, the next PUT never committed
            var h = s3.engine.openContainer("vers");
            String dup = dev.cistern.s3.store.ObjectNames.version("k", v2);
            h.copy(dev.cistern.s3.store.ObjectNames.current("k"), dup);
            h.setAttributes(dup, h.stat(dev.cistern.s3.store.ObjectNames.current("k")).orElseThrow().attributes());

            c.deleteObject(b -> b.bucket("vers").key("k").versionId(v2));
            var after = c.listObjectVersions(b -> b.bucket("vers"));
            assertThat(after.versions()).extracting(ObjectVersion::versionId).containsExactly(v1);
            assertThat(get(c, "vers", "k")).isEqualTo(older);

            c.deleteObject(b -> b.bucket("vers").key("k").versionId(v1));
            assertThat(c.listObjectVersions(b -> b.bucket("vers")).versions()).isEmpty();
            s3.engine.clean(Progress.NONE);
            assertEmpty(s3.engine.groupStats("default"), "after deleting both versions and a clean");
        }
    }

    static void assertEmpty(Stats s, String when) {
        assertThat(s.chunkCount()).as("chunks " + when).isZero();
        assertThat(s.storedBytes()).as("stored bytes " + when).isZero();
        assertThat(s.uniqueBytes()).as("unique bytes " + when).isZero();
        assertThat(s.logicalBytes()).as("logical bytes " + when).isZero();
    }

    static long containerBytes(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".ccf")).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
