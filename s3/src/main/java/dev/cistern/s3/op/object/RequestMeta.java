package dev.cistern.s3.op.object;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.Uri;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.bucket.Tagging;
import dev.cistern.s3.store.Bucket;
import dev.cistern.s3.store.ObjectMeta;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Metadata a writing request carries in headers (PutObject, CopyObject with REPLACE,
 * CreateMultipartUpload): content type, x-amz-meta-*, stored headers, tagging and Object Lock settings.
 */
public final class RequestMeta {
    private static final int MAX_USER_META = 2048;

    private RequestMeta() {
    }

    /** Content type, user metadata and stored headers from the request into {@code meta}. */
    public static ObjectMeta describe(S3Call call, ObjectMeta meta) {
        meta.contentType(call.header("Content-Type"));
        Map<String, String> user = new LinkedHashMap<>();
        int bytes = 0;
        for (Map.Entry<String, String> e : call.req().headers()) {
            String n = e.getKey().toLowerCase(Locale.ROOT);
            if (n.startsWith("x-amz-meta-")) {
                String k = n.substring("x-amz-meta-".length());
                user.merge(k, e.getValue(), (a, b) -> a + "," + b);
                bytes += k.length() + e.getValue().getBytes(StandardCharsets.UTF_8).length;
            }
        }
        if (bytes > MAX_USER_META) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "user metadata is " + bytes + " bytes, over the S3 limit of 2 KB",
                    call.req().resource());
        }
        meta.userMetadata(user);
        for (String h : ObjectMeta.STORED_HEADERS) {
            String v = call.header(h);
            if (v != null) meta.storedHeader(h, v);
        }
        return meta;
    }

    /** x-amz-tagging (a query string) into the stored tag form. */
    public static void tagging(S3Call call, ObjectMeta meta) {
        String t = call.header("x-amz-tagging");
        if (t == null) return;
        try {
            meta.tags(Tagging.encode(Uri.parseQuery(t)));
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "x-amz-tagging is not a URL-encoded query string: "
                    + e.getMessage(), call.req().resource());
        }
    }

    /** Object Lock headers, or the bucket's default retention; InvalidRequest on a bucket without Object Lock. */
    public static void lock(S3Call call, Bucket bucket, ObjectMeta meta) {
        String mode = call.header("x-amz-object-lock-mode");
        String until = call.header("x-amz-object-lock-retain-until-date");
        String hold = call.header("x-amz-object-lock-legal-hold");
        boolean any = mode != null || until != null || hold != null;
        if (any && !bucket.objectLockEnabled()) {
            throw new S3Exception(S3Error.INVALID_REQUEST, "bucket '" + bucket.name()
                    + "' is missing Object Lock configuration", bucket.name());
        }
        if ((mode == null) != (until == null)) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "x-amz-object-lock-mode and x-amz-object-lock-retain-until-date"
                    + " must both be given", bucket.name());
        }
        Instant now = call.ctx().clock().instant();
        if (mode != null) {
            checkMode(mode, bucket.name());
            Instant u = parseInstant(until, bucket.name());
            if (!u.isAfter(now)) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, "the retain-until date must be in the future", bucket.name());
            }
            meta.retention(mode, u);
        } else if (bucket.objectLockEnabled() && bucket.props().get("lock.mode") != null) {
            String days = bucket.props().get("lock.days");
            String years = bucket.props().get("lock.years");
            Instant u = days != null ? now.plus(Long.parseLong(days), ChronoUnit.DAYS)
                    : now.atOffset(java.time.ZoneOffset.UTC).plusYears(Long.parseLong(years)).toInstant();
            meta.retention(bucket.props().get("lock.mode"), u);
        }
        if (hold != null) {
            if (!hold.equals("ON") && !hold.equals("OFF")) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, "x-amz-object-lock-legal-hold must be ON or OFF", bucket.name());
            }
            meta.legalHold(hold.equals("ON"));
        }
    }

    public static void checkMode(String mode, String resource) {
        if (!"GOVERNANCE".equals(mode) && !"COMPLIANCE".equals(mode)) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "the retention mode must be GOVERNANCE or COMPLIANCE", resource);
        }
    }

    public static Instant parseInstant(String s, String resource) {
        try {
            return java.time.OffsetDateTime.parse(s.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "'" + s + "' is not an ISO 8601 date-time", resource);
        }
    }
}
