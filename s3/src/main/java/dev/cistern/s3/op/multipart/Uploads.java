package dev.cistern.s3.op.multipart;

import dev.cistern.engine.EntryInfo;
import dev.cistern.engine.StreamWriter;
import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.store.ObjectMeta;
import dev.cistern.s3.store.ObjectNames;

/**
 * Looking up a multipart upload in progress and checking that it belongs to the addressed key.
 *
 * <p>Invariant: a part entry ({@code p/ID/N}) is committed only while its upload entry ({@code u/ID})
 * exists, and the upload entry is removed (by Complete or Abort) only under the key lock, which part
 * commits also take. So once Complete or Abort removed the upload entry no part of it can appear any
 * more, and their sweep of {@code p/ID/} is final: nothing is left to hold chunks the cleaner should free.
 */
final class Uploads {
    static final String KEY = "up.key";
    static final String INITIATED = "up.initiated";
    static final long MIN_PART = 5L << 20;
    static final int MAX_PARTS = 10000;

    private Uploads() {
    }

    static ObjectMeta find(S3Call call, String uploadId, String key) {
        if (uploadId == null || !uploadId.matches("[A-Za-z0-9_-]{8,64}")) throw noSuchUpload(call, uploadId);
        EntryInfo e = call.bucket().handle().stat(ObjectNames.upload(uploadId)).orElseThrow(() -> noSuchUpload(call, uploadId));
        ObjectMeta meta = new ObjectMeta(e.attributes());
        if (!key.equals(meta.attrs.get(KEY))) throw noSuchUpload(call, uploadId);
        return meta;
    }

    /** The partNumber query parameter, 1 to 10000; anything else is refused, never clamped onto part 10000. */
    static int partNumber(S3Call call) {
        int n = call.intQuery("partNumber", 0, 1, Integer.MAX_VALUE);
        if (n > MAX_PARTS) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "part number must be an integer between 1 and " + MAX_PARTS
                    + ", inclusive; got " + n, call.req().resource());
        }
        return n;
    }

    /** Commits a part written to {@code w}, unless the upload was completed or aborted meanwhile (NoSuchUpload). */
    static void commitPart(S3Call call, String uploadId, String key, StreamWriter w, ObjectMeta meta) {
        call.objects().withKeyLock(key, () -> {
            find(call, uploadId, key);
            return w.commit(meta.toMap());
        });
    }

    static S3Exception noSuchUpload(S3Call call, String uploadId) {
        return new S3Exception(S3Error.NO_SUCH_UPLOAD, "the multipart upload '" + uploadId + "' of '" + call.req().key()
                + "' does not exist: it was completed, aborted or never created", call.req().resource());
    }
}
