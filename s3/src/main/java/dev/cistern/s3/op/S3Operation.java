package dev.cistern.s3.op;

import dev.cistern.s3.http.S3Response;

/** One S3 API operation. Runs on a worker thread; may block on the body and the engine. */
@FunctionalInterface
public interface S3Operation {
    S3Response handle(S3Call call) throws Exception;
}
