package dev.cistern.s3.bench;

import dev.cistern.s3.auth.SigV4;
import dev.cistern.s3.http.Uri;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Client-side SigV4 header signing for the load generator (path-style, UNSIGNED-PAYLOAD, region us-east-1). */
final class RequestSigner {
    private static final DateTimeFormatter AMZ = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final URI endpoint;
    private final String accessKey;
    private final String secret;

    RequestSigner(URI endpoint, String accessKey, String secret) {
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secret = secret;
    }

    HttpRequest.Builder request(String method, String bucket, String key, HttpRequest.BodyPublisher body) {
        String path = "/" + bucket + (key == null ? "" : "/" + Uri.encode(key, true));
        String date = AMZ.format(Instant.now());
        String host = endpoint.getHost() + (endpoint.getPort() > 0 ? ":" + endpoint.getPort() : "");
        String canonical = method + "\n" + path + "\n\nhost:" + host + "\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:"
                + date + "\n\nhost;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD";
        String scope = date.substring(0, 8) + "/us-east-1/s3/aws4_request";
        String sts = SigV4.ALGORITHM + "\n" + date + "\n" + scope + "\n" + SigV4.sha256Hex(canonical);
        String sig = SigV4.hex(SigV4.hmac(SigV4.signingKey(secret, date.substring(0, 8), "us-east-1", "s3"), sts));
        return HttpRequest.newBuilder(endpoint.resolve(path)).method(method, body)
                .header("x-amz-date", date).header("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
                .header("Authorization", SigV4.ALGORITHM + " Credential=" + accessKey + "/" + scope
                        + ", SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + sig);
    }
}
