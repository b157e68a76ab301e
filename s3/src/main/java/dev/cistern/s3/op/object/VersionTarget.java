package dev.cistern.s3.op.object;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.store.ObjectStore;

/** The object version a sub-resource request (tagging, retention, legal hold) addresses. */
final class VersionTarget {
    private VersionTarget() {
    }

    static ObjectStore.Version of(S3Call call, ObjectStore store) {
        ObjectStore.Version v = store.resolve(call.key(), call.query("versionId"));
        if (v.meta().deleteMarker()) {
            throw new S3Exception(S3Error.METHOD_NOT_ALLOWED, "the addressed version is a delete marker", call.req().resource());
        }
        return v;
    }

    static void requireLock(ObjectStore store, S3Call call) {
        if (!store.bucket().objectLockEnabled()) {
            throw new S3Exception(S3Error.INVALID_REQUEST, "bucket '" + store.bucket().name()
                    + "' is missing Object Lock configuration", call.req().resource());
        }
    }
}
