package dev.cistern.server.http;

/** A request refused by the REST layer itself, with the HTTP status to answer. */
public class ApiException extends RuntimeException {
    private final int status;
    private final long retryAfterSeconds;

    public ApiException(int status, String message) {
        this(status, message, 0);
    }

    private ApiException(int status, String message, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    /** Seconds a refused client should wait before trying again (sent as {@code Retry-After}); 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** 429 Too Many Requests, telling the client when to come back; {@code message} should say the same. */
    public static ApiException tooManyRequests(String message, long retryAfterSeconds) {
        return new ApiException(429, message, Math.max(1, retryAfterSeconds));
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, message);
    }
}
