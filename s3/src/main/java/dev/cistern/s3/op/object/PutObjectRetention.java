package dev.cistern.s3.op.object;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.store.ObjectMeta;
import dev.cistern.s3.store.ObjectStore;
import dev.cistern.s3.xml.XmlDoc;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * PUT /bucket/key?retention. While a retention is in force: COMPLIANCE can only be extended (later
 * date, same mode); GOVERNANCE can be shortened, removed or changed only with
 * x-amz-bypass-governance-retention: true.
 */
public final class PutObjectRetention implements S3Operation {
    @Override
    public S3Response handle(S3Call call) throws Exception {
        ObjectStore store = call.objects();
        VersionTarget.requireLock(store, call);
        XmlDoc doc = XmlDoc.parse(call.body().readAll(64 * 1024), "Retention");
        String mode = doc.text("Mode");
        String until = doc.text("RetainUntilDate");
        String res = call.req().resource();
        Instant newUntil = null;
        if (mode != null || until != null) {
            if (mode == null || until == null) throw new S3Exception(S3Error.MALFORMED_XML, "Retention needs Mode and RetainUntilDate", res);
            RequestMeta.checkMode(mode, res);
            newUntil = RequestMeta.parseInstant(until, res);
            if (!newUntil.isAfter(call.ctx().clock().instant())) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, "the retain-until date must be in the future", res);
            }
        }
        boolean bypass = "true".equalsIgnoreCase(call.header("x-amz-bypass-governance-retention"));
        ReentrantLock lock = call.ctx().locks().of(store.bucket().name(), call.key());
        lock.lock();
        try {
            ObjectStore.Version v = VersionTarget.of(call, store);
            ObjectMeta m = v.meta();
            Instant curUntil = m.lockUntil();
            boolean active = m.lockMode() != null && curUntil != null && curUntil.isAfter(call.ctx().clock().instant());
            if (active) {
                boolean extends_ = newUntil != null && mode.equals(m.lockMode()) && !newUntil.isBefore(curUntil);
                if (!extends_) {
                    if ("COMPLIANCE".equals(m.lockMode())) {
                        throw new S3Exception(S3Error.ACCESS_DENIED, "the version is locked in COMPLIANCE mode until " + curUntil
                                + "; its retention can only be extended", res);
                    }
                    if (!bypass) {
                        throw new S3Exception(S3Error.ACCESS_DENIED, "the version is locked in GOVERNANCE mode until " + curUntil
                                + "; shortening or removing it needs x-amz-bypass-governance-retention", res);
                    }
                }
            }
            store.setMeta(v, m.retention(mode, newUntil));
        } finally {
            lock.unlock();
        }
        return S3Response.ok();
    }
}
