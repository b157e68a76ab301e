package dev.cistern.s3.op.bucket;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.store.Bucket;
import dev.cistern.s3.xml.XmlWriter;

/** GET /bucket?object-lock: whether Object Lock is on and the default retention. */
public final class GetObjectLockConfiguration implements S3Operation {
    @Override
    public S3Response handle(S3Call call) {
        Bucket b = call.bucket();
        if (!b.objectLockEnabled()) {
            throw new S3Exception(S3Error.NO_SUCH_OBJECT_LOCK_CONFIGURATION, "Object Lock configuration does not exist for bucket '"
                    + b.name() + "'", b.name());
        }
        XmlWriter x = XmlWriter.document("ObjectLockConfiguration").element("ObjectLockEnabled", "Enabled");
        String mode = b.props().get("lock.mode");
        if (mode != null) {
            x.start("Rule").start("DefaultRetention").element("Mode", mode)
                    .element("Days", b.props().get("lock.days")).element("Years", b.props().get("lock.years")).end().end();
        }
        return S3Response.xml(x.bytes());
    }
}
