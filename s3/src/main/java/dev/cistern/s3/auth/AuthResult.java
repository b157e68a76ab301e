package dev.cistern.s3.auth;

import dev.cistern.s3.S3Credentials;

/**
 * A request whose signature checked out: who sent it, and what the body decoder needs to check the
 * signatures of streamed chunks (the signing key, timestamp, scope and the request's own signature,
 * which seeds the chunk signature chain).
 *
 * @param payloadHash the x-amz-content-sha256 value: a hex digest, UNSIGNED-PAYLOAD or a STREAMING-* mode
 */
public record AuthResult(S3Credentials.Key key, byte[] signingKey, String amzDate, String scope,
                         String seedSignature, String payloadHash, boolean presigned) {
}
