package dev.cistern.s3.op.object;

import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.store.ObjectStore;
import dev.cistern.s3.xml.XmlWriter;

/** GET /bucket/key?legal-hold. */
public final class GetObjectLegalHold implements S3Operation {
    @Override
    public S3Response handle(S3Call call) {
        ObjectStore store = call.objects();
        VersionTarget.requireLock(store, call);
        ObjectStore.Version v = VersionTarget.of(call, store);
        return S3Response.xml(XmlWriter.document("LegalHold").element("Status", v.meta().legalHold() ? "ON" : "OFF").bytes());
    }
}
