/**
 * Cistern's S3 front end: buckets are engine containers of protocol "s3", objects are stream entries.
 *
 * <h2>Layers</h2>
 * <pre>
 *   http    Netty pipeline: [TLS] → HttpServerCodec → 100-continue → S3HttpHandler (event loop: framing only)
 *   S3Dispatcher (one virtual thread per request): parse address → auth (SigV4) → body decoding → Router → operation
 *   auth    SigV4 header and presigned checks, aws-chunked decoding with chunk/trailer signatures, payload hash
 *   op      one class per S3 operation (bucket/, object/, multipart/), each returning an S3Response
 *   store   the S3 data model on the engine API: bucket settings, object versions, names of hidden entries
 * </pre>
 *
 * <h2>Threads</h2>
 * The event loop never calls the engine or blocks: it hands each request to a virtual thread and feeds
 * it the body through {@link dev.cistern.s3.http.BodyStream}, which turns socket reads off while more
 * than 4 MiB wait. Responses are written from the request's thread; a GET reads the stored stream in
 * 256 KiB pieces and waits whenever the socket is not writable, so memory per request stays bounded.
 *
 * <h2>What a 200 means</h2>
 * A PUT (and UploadPart, CompleteMultipartUpload, CopyObject) answers 200 only after the engine's
 * {@code commit} returned, which is durable and atomic. Every check that can refuse the body (chunk
 * signatures, payload SHA-256, Content-MD5, x-amz-checksum-*, declared length) runs while the body
 * streams and before the commit, so a refused or interrupted upload never becomes visible.
 */
package dev.cistern.s3;
