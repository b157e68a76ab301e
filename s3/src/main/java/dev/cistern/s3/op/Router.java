package dev.cistern.s3.op;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.S3Request;
import dev.cistern.s3.op.bucket.*;
import dev.cistern.s3.op.multipart.*;
import dev.cistern.s3.op.object.*;
import java.util.List;

/**
 * Picks the operation for a request from its method, whether it names a bucket and a key, and its
 * sub-resource query parameters, as the S3 REST API defines them. The table is the list below.
 */
public final class Router {
    /** Sub-resources S3 has but Cistern does not implement: answered NotImplemented, never misrouted. */
    private static final List<String> UNSUPPORTED = List.of("acl", "policy", "cors", "lifecycle", "encryption", "website",
            "logging", "notification", "replication", "requestPayment", "accelerate", "ownershipControls",
            "publicAccessBlock", "intelligent-tiering", "analytics", "metrics", "inventory", "attributes", "restore",
            "select", "torrent", "policyStatus");

    private Router() {
    }

    public static S3Operation route(S3Request r) {
        String m = r.method();
        if (r.bucket() == null) {
            if (m.equals("GET")) return new ListBuckets();
            throw notAllowed(r);
        }
        if (r.key() == null) {
            if (m.equals("PUT")) {
                if (r.hasQuery("versioning")) return new PutBucketVersioning();
                if (r.hasQuery("object-lock")) return new PutObjectLockConfiguration();
                if (r.hasQuery("tagging")) return new PutBucketTagging();
                unsupported(r);
                return new CreateBucket();
            }
            if (m.equals("GET")) {
                if (r.hasQuery("location")) return new GetBucketLocation();
                if (r.hasQuery("versioning")) return new GetBucketVersioning();
                if (r.hasQuery("object-lock")) return new GetObjectLockConfiguration();
                if (r.hasQuery("tagging")) return new GetBucketTagging();
                if (r.hasQuery("versions")) return new ListObjectVersions();
                if (r.hasQuery("uploads")) return new ListMultipartUploads();
                unsupported(r);
                if ("2".equals(r.query("list-type"))) return new ListObjectsV2();
                return new ListObjectsV1();
            }
            if (m.equals("HEAD")) return new HeadBucket();
            if (m.equals("DELETE")) {
                if (r.hasQuery("tagging")) return new DeleteBucketTagging();
                unsupported(r);
                return new DeleteBucket();
            }
            if (m.equals("POST") && r.hasQuery("delete")) return new DeleteObjects();
            throw notAllowed(r);
        }
        switch (m) {
            case "PUT" -> {
                if (r.hasQuery("uploadId") && r.hasQuery("partNumber")) {
                    return r.header("x-amz-copy-source") != null ? new UploadPartCopy() : new UploadPart();
                }
                if (r.hasQuery("tagging")) return new PutObjectTagging();
                if (r.hasQuery("retention")) return new PutObjectRetention();
                if (r.hasQuery("legal-hold")) return new PutObjectLegalHold();
                unsupported(r);
                if (r.header("x-amz-copy-source") != null) return new CopyObject();
                return new PutObject();
            }
            case "GET" -> {
                if (r.hasQuery("uploadId")) return new ListParts();
                if (r.hasQuery("tagging")) return new GetObjectTagging();
                if (r.hasQuery("retention")) return new GetObjectRetention();
                if (r.hasQuery("legal-hold")) return new GetObjectLegalHold();
                unsupported(r);
                return new GetObject(false);
            }
            case "HEAD" -> {
                return new GetObject(true);
            }
            case "DELETE" -> {
                if (r.hasQuery("uploadId")) return new AbortMultipartUpload();
                if (r.hasQuery("tagging")) return new DeleteObjectTagging();
                unsupported(r);
                return new DeleteObject();
            }
            case "POST" -> {
                if (r.hasQuery("uploads")) return new CreateMultipartUpload();
                if (r.hasQuery("uploadId")) return new CompleteMultipartUpload();
                throw notAllowed(r);
            }
            default -> throw notAllowed(r);
        }
    }

    private static void unsupported(S3Request r) {
        for (String s : UNSUPPORTED) {
            if (r.hasQuery(s)) {
                throw new S3Exception(S3Error.NOT_IMPLEMENTED, "the '" + s + "' sub-resource is not implemented by Cistern",
                        r.resource());
            }
        }
    }

    private static S3Exception notAllowed(S3Request r) {
        return new S3Exception(S3Error.METHOD_NOT_ALLOWED, "the method " + r.method() + " is not allowed on "
                + r.resource(), r.resource());
    }
}
