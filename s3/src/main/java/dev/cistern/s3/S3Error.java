package dev.cistern.s3;

/** The S3 error codes Cistern answers with, each with the HTTP status the S3 API reference gives it. */
public enum S3Error {
    ACCESS_DENIED("AccessDenied", 403),
    BAD_DIGEST("BadDigest", 400),
    BUCKET_ALREADY_OWNED_BY_YOU("BucketAlreadyOwnedByYou", 409),
    BUCKET_ALREADY_EXISTS("BucketAlreadyExists", 409),
    BUCKET_NOT_EMPTY("BucketNotEmpty", 409),
    ENTITY_TOO_SMALL("EntityTooSmall", 400),
    ENTITY_TOO_LARGE("EntityTooLarge", 400),
    INCOMPLETE_BODY("IncompleteBody", 400),
    INTERNAL_ERROR("InternalError", 500),
    INVALID_ACCESS_KEY_ID("InvalidAccessKeyId", 403),
    INVALID_ARGUMENT("InvalidArgument", 400),
    INVALID_BUCKET_NAME("InvalidBucketName", 400),
    INVALID_BUCKET_STATE("InvalidBucketState", 409),
    INVALID_DIGEST("InvalidDigest", 400),
    INVALID_PART("InvalidPart", 400),
    INVALID_PART_ORDER("InvalidPartOrder", 400),
    INVALID_RANGE("InvalidRange", 416),
    INVALID_REQUEST("InvalidRequest", 400),
    KEY_TOO_LONG("KeyTooLongError", 400),
    MALFORMED_TRAILER("MalformedTrailerError", 400),
    MALFORMED_XML("MalformedXML", 400),
    METHOD_NOT_ALLOWED("MethodNotAllowed", 405),
    MISSING_CONTENT_LENGTH("MissingContentLength", 411),
    NO_SUCH_BUCKET("NoSuchBucket", 404),
    NO_SUCH_KEY("NoSuchKey", 404),
    NO_SUCH_UPLOAD("NoSuchUpload", 404),
    NO_SUCH_VERSION("NoSuchVersion", 404),
    NO_SUCH_TAG_SET("NoSuchTagSet", 404),
    NO_SUCH_OBJECT_LOCK_CONFIGURATION("ObjectLockConfigurationNotFoundError", 404),
    NO_SUCH_OBJECT_LOCK_RETENTION("NoSuchObjectLockConfiguration", 404),
    NOT_IMPLEMENTED("NotImplemented", 501),
    NOT_MODIFIED("NotModified", 304),
    PRECONDITION_FAILED("PreconditionFailed", 412),
    QUOTA_EXCEEDED("QuotaExceeded", 403),
    REQUEST_HEADER_TOO_LARGE("RequestHeaderSectionTooLarge", 400),
    REQUEST_TIME_TOO_SKEWED("RequestTimeTooSkewed", 403),
    SERVICE_UNAVAILABLE("ServiceUnavailable", 503),
    SIGNATURE_DOES_NOT_MATCH("SignatureDoesNotMatch", 403),
    CONTENT_SHA256_MISMATCH("XAmzContentSHA256Mismatch", 400),
    AUTHORIZATION_HEADER_MALFORMED("AuthorizationHeaderMalformed", 400),
    AUTHORIZATION_QUERY_MALFORMED("AuthorizationQueryParametersError", 400),
    INVALID_STORAGE_CLASS("InvalidStorageClass", 400),
    INSUFFICIENT_STORAGE("InsufficientStorage", 507);

    private final String code;
    private final int status;

    S3Error(String code, int status) {
        this.code = code;
        this.status = status;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }
}
