package dev.cistern.s3.op.object;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.Dates;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.store.ObjectStore;
import dev.cistern.s3.xml.XmlWriter;

/** GET /bucket/key?retention. */
public final class GetObjectRetention implements S3Operation {
    @Override
    public S3Response handle(S3Call call) {
        ObjectStore store = call.objects();
        VersionTarget.requireLock(store, call);
        ObjectStore.Version v = VersionTarget.of(call, store);
        if (v.meta().lockMode() == null) {
            throw new S3Exception(S3Error.NO_SUCH_OBJECT_LOCK_RETENTION, "the object version has no retention",
                    call.req().resource());
        }
        return S3Response.xml(XmlWriter.document("Retention").element("Mode", v.meta().lockMode())
                .element("RetainUntilDate", Dates.iso(v.meta().lockUntil())).bytes());
    }
}
