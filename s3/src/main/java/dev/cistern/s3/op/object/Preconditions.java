package dev.cistern.s3.op.object;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.store.ObjectStore;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Conditional request headers, evaluated in the order RFC 9110 and S3 give: If-Match before
 * If-Unmodified-Since, If-None-Match before If-Modified-Since. Unparsable dates are ignored, as S3 does.
 */
public final class Preconditions {
    private Preconditions() {
    }

    /** For GET and HEAD: PreconditionFailed (412) or NotModified (304). */
    public static void checkRead(S3Call call, String etag, Instant modified) {
        String ifMatch = call.header("If-Match");
        String ifNoneMatch = call.header("If-None-Match");
        Instant ifModifiedSince = date(call.header("If-Modified-Since"));
        Instant ifUnmodifiedSince = date(call.header("If-Unmodified-Since"));
        Instant mod = modified.truncatedTo(ChronoUnit.SECONDS);
        if (ifMatch != null) {
            if (!matches(ifMatch, etag)) throw failed(call, "If-Match");
        } else if (ifUnmodifiedSince != null && mod.isAfter(ifUnmodifiedSince)) {
            throw failed(call, "If-Unmodified-Since");
        }
        if (ifNoneMatch != null) {
            if (matches(ifNoneMatch, etag)) throw notModified(etag);
        } else if (ifModifiedSince != null && !mod.isAfter(ifModifiedSince)) {
            throw notModified(etag);
        }
    }

    /** For PUT: If-None-Match: * refuses when the key exists; If-Match requires the current ETag. */
    public static void checkWrite(S3Call call, Optional<ObjectStore.Version> current) {
        String ifNoneMatch = call.header("If-None-Match");
        String ifMatch = call.header("If-Match");
        boolean exists = current.isPresent() && !current.get().meta().deleteMarker();
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.trim().equals("*")) {
                throw new S3Exception(S3Error.NOT_IMPLEMENTED, "If-None-Match on PUT supports only '*'", call.req().resource());
            }
            if (exists) throw failed(call, "If-None-Match");
        }
        if (ifMatch != null) {
            if (!exists) throw new S3Exception(S3Error.NO_SUCH_KEY, "If-Match given but the key does not exist", call.req().resource());
            if (!matches(ifMatch, current.get().meta().etag())) throw failed(call, "If-Match");
        }
    }

    static boolean matches(String header, String etag) {
        for (String t : header.split(",")) {
            String v = t.trim();
            if (v.startsWith("W/")) v = v.substring(2);
            if (v.equals("*")) return true;
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) v = v.substring(1, v.length() - 1);
            if (v.equals(etag)) return true;
        }
        return false;
    }

    private static Instant date(String s) {
        if (s == null) return null;
        try {
            return ZonedDateTime.parse(s.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static S3Exception failed(S3Call call, String which) {
        return new S3Exception(S3Error.PRECONDITION_FAILED, "at least one of the preconditions you specified did not hold ("
                + which + ")", call.req().resource());
    }

    private static S3Exception notModified(String etag) {
        return new S3Exception(S3Error.NOT_MODIFIED, "not modified").header("ETag", "\"" + etag + "\"");
    }
}
