package dev.cistern.app;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PUTs objects into one bucket (new keys, overwrites of acknowledged ones, content repeated under other keys so that
 * dedup is exercised, some as multipart uploads) and DELETEs some, and remembers which requests were answered. After
 * a crash, every key holds its last acknowledged state (an object bit-exact, or none), or the state a request left
 * unanswered would have given it; the listing shows exactly the keys that have an object.
 */
final class ObjectWriter {
    /** The seed standing for "no object": deleted, or never stored. Content seeds are odd. */
    private static final long ABSENT = 0;
    private static final int PART = 5 << 20;

    private final String bucket;
    private final Random random;
    /** The last acknowledged state of each key. */
    private final Map<String, Long> acked = new HashMap<>();
    /** States sent by requests never answered, by key. */
    private final Map<String, List<Long>> unanswered = new HashMap<>();
    private final List<String> live = new ArrayList<>();
    private final List<Long> recent = new ArrayList<>();
    private int requests;
    private String failure;

    ObjectWriter(String bucket, long seed) {
        this.bucket = bucket;
        this.random = new Random(seed);
    }

    /** PUTs and DELETEs until the server is killed; a request that fails before is kept as the failure. */
    void writeUntil(S3Client s3, String prefix, BooleanSupplier killed) {
        int n = 0;
        while (!killed.getAsBoolean()) {
            int pick = random.nextInt(10);
            String key = !live.isEmpty() && pick < 3 ? live.get(random.nextInt(live.size())) : prefix + "/object-" + n++;
            long seed = pick == 0 && !live.isEmpty() ? ABSENT
                    : !recent.isEmpty() && random.nextInt(3) == 0 ? recent.get(random.nextInt(recent.size()))
                    : random.nextLong() & ~3L | (random.nextInt(12) == 0 ? 3 : 1);
            unanswered.computeIfAbsent(key, k -> new ArrayList<>()).add(seed);
            try {
                if (seed == ABSENT) s3.deleteObject(b -> b.bucket(bucket).key(key));
                else if (multipart(seed)) putInParts(s3, key, content(seed));
                else s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content(seed)));
            } catch (RuntimeException e) {
                if (!killed.getAsBoolean()) {
                    failure = (seed == ABSENT ? "DELETE " : "PUT ") + bucket + "/" + key + " failed with the server up: " + e;
                }
                return;
            }
            acked.put(key, seed);
            unanswered.remove(key);
            live.remove(key);
            if (seed != ABSENT) live.add(key);
            if (seed != ABSENT && recent.size() < 8) recent.add(seed);
            requests++;
        }
    }

    int requests() {
        return requests;
    }

    void check(S3Client s3) {
        assertThat(failure).as("requests to bucket %s while the server ran", bucket).isNull();
        Set<String> keys = new TreeSet<>(acked.keySet());
        keys.addAll(unanswered.keySet());
        Set<String> present = new TreeSet<>();
        for (String key : keys) {
            List<Long> allowed = new ArrayList<>(unanswered.getOrDefault(key, List.of()));
            allowed.add(acked.getOrDefault(key, ABSENT));
            byte[] got;
            try {
                got = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
            } catch (NoSuchKeyException e) {
                assertThat(allowed).as("object %s/%s is gone: acknowledged seed %s, unanswered %s", bucket, key,
                        acked.get(key), unanswered.get(key)).contains(ABSENT);
                continue;
            }
            present.add(key);
            boolean matches = false;
            for (long s : allowed) matches |= s != ABSENT && Arrays.equals(got, content(s));
            assertThat(matches).as("object %s/%s (%d bytes) is neither its acknowledged state (seed %s) nor one left "
                    + "unanswered %s", bucket, key, got.length, acked.get(key), unanswered.get(key)).isTrue();
        }
        List<String> listed = s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList();
        assertThat(listed).as("keys listed in bucket %s", bucket).containsExactlyInAnyOrderElementsOf(present);
    }

    /** A multipart upload of 5 MiB parts: acknowledged once CompleteMultipartUpload is answered. */
    private void putInParts(S3Client s3, String key, byte[] data) {
        String id = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int n = 1; (n - 1) * PART < data.length; n++) {
            int part = n;
            byte[] bytes = Arrays.copyOfRange(data, (n - 1) * PART, Math.min(data.length, n * PART));
            String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(id).partNumber(part),
                    RequestBody.fromBytes(bytes)).eTag();
            parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
        }
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id).multipartUpload(m -> m.parts(parts)));
    }

    /** Seeds ending in binary 11 are the objects of multipart uploads: 5 to 6 MiB (two parts). */
    private static boolean multipart(long seed) {
        return (seed & 3) == 3;
    }

    /** 1 byte to 1.5 MiB, most of them small, as a backup's catalog files and data files; 5 to 6 MiB for multipart. */
    static byte[] content(long seed) {
        Random r = new Random(seed);
        byte[] b = new byte[multipart(seed) ? PART + r.nextInt(1 << 20)
                : 1 + (r.nextInt(4) == 0 ? r.nextInt(3 << 19) : r.nextInt(64 << 10))];
        r.nextBytes(b);
        return b;
    }
}
