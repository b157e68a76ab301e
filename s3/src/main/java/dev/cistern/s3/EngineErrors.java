package dev.cistern.s3;

import dev.cistern.engine.EngineException;

/** Which S3 error answers which engine failure. */
public final class EngineErrors {
    private EngineErrors() {
    }

    public static S3Exception toS3(EngineException e, String res, boolean aboutKey) {
        return switch (e.reason()) {
            case NOT_FOUND -> new S3Exception(aboutKey ? S3Error.NO_SUCH_KEY : S3Error.NO_SUCH_BUCKET,
                    e.getMessage(), res);
            case INVALID_ARGUMENT -> new S3Exception(S3Error.INVALID_ARGUMENT, e.getMessage(), res);
            case QUOTA_EXCEEDED -> new S3Exception(S3Error.QUOTA_EXCEEDED, "the storage group's quota is exhausted: "
                    + e.getMessage(), res);
            case NO_SPACE -> new S3Exception(S3Error.INSUFFICIENT_STORAGE, "the server is out of disk space: " + e.getMessage(), res);
            case LOCKED -> new S3Exception(S3Error.SERVICE_UNAVAILABLE, "the storage group is encrypted and locked; an admin"
                    + " must unlock it: " + e.getMessage(), res);
            case READ_ONLY, ACCESS_DENIED -> new S3Exception(S3Error.ACCESS_DENIED, e.getMessage(), res);
            case BUSY, CLOSED -> new S3Exception(S3Error.SERVICE_UNAVAILABLE, e.getMessage(), res);
            default -> new S3Exception(S3Error.INTERNAL_ERROR, e.reason() + ": " + e.getMessage(), res);
        };
    }
}
