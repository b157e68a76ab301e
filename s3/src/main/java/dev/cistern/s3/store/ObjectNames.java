package dev.cistern.s3.store;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import java.nio.charset.StandardCharsets;

/**
 * How S3 things are named as entries of the bucket's container. The prefixes keep each kind in its
 * own name range, so listing objects never sees parts or old versions:
 * <pre>
 *   o/KEY                 the current version of KEY (possibly a delete marker)
 *   v/KEY \u0001 VERSIONID  a noncurrent version; version ids sort newest first
 *   u/UPLOADID            a multipart upload in progress (empty stream, attributes = its metadata)
 *   p/UPLOADID/NNNNN      part NNNNN of that upload
 * </pre>
 * U+0001 separates key and version because XML 1.0 cannot carry it, so no S3 key can contain it.
 */
public final class ObjectNames {
    public static final String OBJECTS = "o/";
    public static final String VERSIONS = "v/";
    public static final String UPLOADS = "u/";
    public static final String PARTS = "p/";
    public static final char VERSION_SEP = '\u0001';
    /** Engine entry names are limited to 1024 bytes; this leaves room for the prefix and a version id. */
    public static final int MAX_KEY_BYTES = 980;

    private ObjectNames() {
    }

    public static void checkKey(String key) {
        if (key == null || key.isEmpty()) throw new S3Exception(S3Error.INVALID_ARGUMENT, "the object key is empty");
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new S3Exception(S3Error.KEY_TOO_LONG, "the object key is longer than " + MAX_KEY_BYTES
                    + " bytes, the most this server stores", key.substring(0, 64) + "...");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == 0 || c == VERSION_SEP) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, "the object key contains control character U+000" + (int) c);
            }
        }
    }

    public static String current(String key) {
        return OBJECTS + key;
    }

    public static String version(String key, String versionId) {
        return VERSIONS + key + VERSION_SEP + versionId;
    }

    /** The prefix of all noncurrent versions of exactly {@code key}. */
    public static String versionsOf(String key) {
        return VERSIONS + key + VERSION_SEP;
    }

    public static String upload(String uploadId) {
        return UPLOADS + uploadId;
    }

    public static String part(String uploadId, int partNumber) {
        return PARTS + uploadId + "/" + String.format("%05d", partNumber);
    }

    public static String partsOf(String uploadId) {
        return PARTS + uploadId + "/";
    }
}
