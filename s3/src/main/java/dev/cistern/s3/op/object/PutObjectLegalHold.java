package dev.cistern.s3.op.object;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.store.ObjectStore;
import dev.cistern.s3.xml.XmlDoc;

/** PUT /bucket/key?legal-hold: ON or OFF; a held version cannot be deleted whatever its retention. */
public final class PutObjectLegalHold implements S3Operation {
    @Override
    public S3Response handle(S3Call call) throws Exception {
        ObjectStore store = call.objects();
        VersionTarget.requireLock(store, call);
        String status = XmlDoc.parse(call.body().readAll(64 * 1024), "LegalHold").text("Status");
        if (!"ON".equals(status) && !"OFF".equals(status)) {
            throw new S3Exception(S3Error.MALFORMED_XML, "LegalHold Status must be ON or OFF", call.req().resource());
        }
        var lock = call.ctx().locks().of(store.bucket().name(), call.key());
        lock.lock();
        try {
            ObjectStore.Version v = VersionTarget.of(call, store);
            store.setMeta(v, v.meta().legalHold("ON".equals(status)));
        } finally {
            lock.unlock();
        }
        return S3Response.ok();
    }
}
