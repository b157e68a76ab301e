package dev.cistern.app;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PUTs objects into one bucket (new keys, overwrites of acknowledged ones, content repeated under other keys so that
 * dedup is exercised) and remembers which PUTs were answered 200. After a crash, every acknowledged object must
 * read back as its last acknowledged content, and every object listed must be acknowledged or a PUT left
 * unanswered, bit-exact either way.
 */
final class ObjectWriter {
    private final String bucket;
    private final Random random;
    private final Map<String, Long> acked = new HashMap<>();
    /** Seeds of PUTs sent and never answered, by key. */
    private final Map<String, List<Long>> unanswered = new HashMap<>();
    private final List<Long> recent = new ArrayList<>();
    private int puts;
    private String failure;

    ObjectWriter(String bucket, long seed) {
        this.bucket = bucket;
        this.random = new Random(seed);
    }

    /** PUTs until the server is killed; a PUT that fails before is kept as the failure. */
    void writeUntil(S3Client s3, String prefix, BooleanSupplier killed) {
        int n = 0;
        while (!killed.getAsBoolean()) {
            String key = !acked.isEmpty() && random.nextInt(5) == 0
                    ? new ArrayList<>(acked.keySet()).get(random.nextInt(acked.size())) : prefix + "/object-" + n++;
            long seed = !recent.isEmpty() && random.nextInt(3) == 0 ? recent.get(random.nextInt(recent.size())) : random.nextLong() | 1;
            unanswered.computeIfAbsent(key, k -> new ArrayList<>()).add(seed);
            try {
                s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content(seed)));
            } catch (RuntimeException e) {
                if (!killed.getAsBoolean()) failure = "PUT " + bucket + "/" + key + " failed with the server up: " + e;
                return;
            }
            acked.put(key, seed);
            unanswered.remove(key);
            if (recent.size() < 8) recent.add(seed);
            puts++;
        }
    }

    int puts() {
        return puts;
    }

    void check(S3Client s3) {
        assertThat(failure).as("PUTs to bucket %s while the server ran", bucket).isNull();
        for (var e : acked.entrySet()) {
            byte[] got = s3.getObjectAsBytes(b -> b.bucket(bucket).key(e.getKey())).asByteArray();
            assertContent(e.getKey(), got);
        }
        List<String> listed = s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList();
        assertThat(listed).as("keys of bucket %s", bucket).containsAll(acked.keySet());
        for (String key : listed) {
            if (acked.containsKey(key)) continue;
            assertThat(unanswered).as("bucket %s lists a key never PUT", bucket).containsKey(key);
            try {
                assertContent(key, s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
            } catch (NoSuchKeyException listedButGone) {
                throw new AssertionError("bucket " + bucket + " lists " + key + " but has no such object", listedButGone);
            }
        }
    }

    private void assertContent(String key, byte[] got) {
        List<Long> allowed = new ArrayList<>(unanswered.getOrDefault(key, List.of()));
        if (acked.containsKey(key)) allowed.add(acked.get(key));
        boolean matches = false;
        for (long s : allowed) matches |= java.util.Arrays.equals(got, content(s));
        assertThat(matches).as("object %s/%s (%d bytes) is neither its acknowledged content (seed %s) nor an unanswered PUT %s",
                bucket, key, got.length, acked.get(key), unanswered.get(key)).isTrue();
    }

    /** 1 byte to 1.5 MiB, most of them small, as a backup's catalog files and data files. */
    static byte[] content(long seed) {
        Random r = new Random(seed);
        byte[] b = new byte[1 + (r.nextInt(4) == 0 ? r.nextInt(3 << 19) : r.nextInt(64 << 10))];
        r.nextBytes(b);
        return b;
    }
}
