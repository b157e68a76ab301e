package dev.cistern.s3.op.bucket;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.store.Bucket;
import dev.cistern.s3.xml.XmlDoc;
import java.util.HashMap;
import java.util.Map;

/**
 * PUT /bucket?object-lock: sets the default retention (mode and Days or Years). Object Lock can be
 * turned on here for a versioned bucket; it can never be turned off.
 */
public final class PutObjectLockConfiguration implements S3Operation {
    static final int MAX_DAYS = 36500;
    static final int MAX_YEARS = 100;

    @Override
    public S3Response handle(S3Call call) throws Exception {
        Bucket b = call.bucket();
        XmlDoc doc = XmlDoc.parse(call.body().readAll(64 * 1024), "ObjectLockConfiguration");
        if (!"Enabled".equals(doc.text("ObjectLockEnabled"))) {
            throw new S3Exception(S3Error.MALFORMED_XML, "ObjectLockEnabled must be Enabled", b.name());
        }
        if (!b.objectLockEnabled() && !b.versioningEnabled()) {
            throw new S3Exception(S3Error.INVALID_BUCKET_STATE, "Object Lock needs versioning enabled on bucket '"
                    + b.name() + "'", b.name());
        }
        Map<String, String> changes = new HashMap<>();
        changes.put("lock", "Enabled");
        changes.put("lock.mode", null);
        changes.put("lock.days", null);
        changes.put("lock.years", null);
        XmlDoc rule = doc.child("Rule");
        if (rule != null) {
            XmlDoc dr = rule.child("DefaultRetention");
            if (dr == null) throw new S3Exception(S3Error.MALFORMED_XML, "Rule needs DefaultRetention", b.name());
            String mode = dr.text("Mode");
            String days = dr.text("Days");
            String years = dr.text("Years");
            if (!"GOVERNANCE".equals(mode) && !"COMPLIANCE".equals(mode)) {
                throw new S3Exception(S3Error.MALFORMED_XML, "DefaultRetention Mode must be GOVERNANCE or COMPLIANCE", b.name());
            }
            if ((days == null) == (years == null)) {
                throw new S3Exception(S3Error.MALFORMED_XML, "DefaultRetention needs exactly one of Days and Years", b.name());
            }
            String n = days != null ? days : years;
            // S3's limits; they also keep every retain-until date computed from the default representable
            int max = days != null ? MAX_DAYS : MAX_YEARS;
            try {
                int v = Integer.parseInt(n.trim());
                if (v <= 0 || v > max) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, "the default retention period must be 1 to " + max
                        + (days != null ? " days" : " years") + ", got '" + n.trim() + "'", b.name());
            }
            changes.put("lock.mode", mode);
            changes.put(days != null ? "lock.days" : "lock.years", n.trim());
        }
        call.ctx().buckets().update(b, changes);
        return S3Response.ok();
    }
}
