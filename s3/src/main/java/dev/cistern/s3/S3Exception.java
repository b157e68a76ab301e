package dev.cistern.s3;

/**
 * A refusal to be answered as an S3 error document. The message is shown to the client, so it says
 * what failed on which bucket or key.
 */
public class S3Exception extends RuntimeException {
    private final S3Error error;
    private final String resource;
    private final java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();

    public S3Exception(S3Error error, String message) {
        this(error, message, null);
    }

    public S3Exception(S3Error error, String message, String resource) {
        super(message);
        this.error = error;
        this.resource = resource;
    }

    public S3Error error() {
        return error;
    }

    /** Adds a response header to the error (x-amz-delete-marker, x-amz-version-id...). */
    public S3Exception header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public java.util.Map<String, String> headers() {
        return headers;
    }

    /** The bucket or bucket/key the error is about, or null. */
    public String resource() {
        return resource;
    }
}
