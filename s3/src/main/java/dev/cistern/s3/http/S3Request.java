package dev.cistern.s3.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.Collections;
import java.util.Map;

/**
 * One parsed S3 request: where it is addressed (bucket and key from the path or the Host header), its
 * decoded query parameters and its headers. The body travels separately as a stream.
 *
 * @param rawPath  the path exactly as sent, still percent-encoded (for the signature)
 * @param query    decoded query parameters in the order sent (first value of a repeated name)
 * @param bucket   null for service-level requests (ListBuckets)
 * @param key      null for bucket-level requests
 */
public record S3Request(String method, String rawPath, String rawQuery, Map<String, String> query,
                        HttpHeaders headers, String bucket, String key) {

    public S3Request {
        query = Collections.unmodifiableMap(query);
    }

    public String header(String name) {
        return headers.get(name);
    }

    public boolean hasQuery(String name) {
        return query.containsKey(name);
    }

    public String query(String name) {
        return query.get(name);
    }

    /** "bucket/key", "bucket" or "/" for error messages. */
    public String resource() {
        if (bucket == null) return "/";
        return key == null ? bucket : bucket + "/" + key;
    }
}
