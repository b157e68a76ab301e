/**
 * AWS Signature Version 4 as S3 uses it: the Authorization header, presigned query parameters
 * (X-Amz-*, at most 7 days), and the streaming body forms: {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD}
 * (signed chunks), {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER} (signed chunks and trailer) and
 * {@code STREAMING-UNSIGNED-PAYLOAD-TRAILER} (the checksum trailer current AWS SDKs send). The request
 * time must be within the configured skew (15 minutes) of the server clock. Signatures for any region
 * are accepted; the region is part of the signing key the client chose. Signature Version 2 is refused.
 */
package dev.cistern.s3.auth;
