package dev.cistern.s3.op.object;

import dev.cistern.engine.EngineException;
import dev.cistern.engine.EntryInfo;
import dev.cistern.engine.FileEntry;
import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.store.ObjectMeta;
import dev.cistern.s3.store.ObjectStore;

/**
 * GET and HEAD /bucket/key (optionally ?versionId=, Range, conditional headers, response-* overrides).
 * The stored stream is opened first and its own attributes describe the response, so headers and
 * bytes always belong to the same version even while the key is being overwritten.
 */
public final class GetObject implements S3Operation {
    private static final String[][] OVERRIDES = {
        {"response-content-type", "Content-Type"}, {"response-content-language", "Content-Language"},
        {"response-expires", "Expires"}, {"response-cache-control", "Cache-Control"},
        {"response-content-disposition", "Content-Disposition"}, {"response-content-encoding", "Content-Encoding"}
    };

    private final boolean head;

    public GetObject(boolean head) {
        this.head = head;
    }

    @Override
    public S3Response handle(S3Call call) throws Exception {
        String key = call.key();
        ObjectStore store = call.objects();
        S3Response virtual = VeeamSosApi.answer(call, key, head);
        if (virtual != null) return virtual;
        String versionId = call.query("versionId");
        ObjectStore.Version v = store.resolve(key, versionId);
        if (v.meta().deleteMarker()) {
            throw new S3Exception(S3Error.METHOD_NOT_ALLOWED, "version " + versionId + " of '" + key
                    + "' is a delete marker", call.req().resource())
                    .header("x-amz-delete-marker", "true").header("x-amz-version-id", versionId);
        }
        FileEntry file;
        try {
            file = store.bucket().handle().openFile(v.entryName());
        } catch (EngineException e) {
            if (e.reason() != EngineException.Reason.NOT_FOUND) throw e;
            throw new S3Exception(S3Error.NO_SUCH_KEY, "the key '" + key + "' was deleted while being read", call.req().resource());
        }
        boolean handedOver = false;
        try {
            EntryInfo info = file.info();
            ObjectMeta meta = new ObjectMeta(info.attributes());
            long size = file.size();
            Preconditions.checkRead(call, meta.etag(), meta.modifiedOr(info.modifiedAt()));
            ByteRange range = ByteRange.parse(call.header("Range"), size, call.req().resource());
            S3Response r = S3Response.status(range == null ? 200 : 206);
            ObjectHeaders.add(r, store.bucket(), info, meta, "ENABLED".equalsIgnoreCase(call.header("x-amz-checksum-mode")));
            for (String[] o : OVERRIDES) {
                String val = call.query(o[0]);
                if (val != null) r.header(o[1], val);
            }
            long offset = range == null ? 0 : range.start();
            long length = range == null ? size : range.length();
            if (range != null) r.header("Content-Range", range.contentRange(size));
            if (head) {
                return r.headOnly(length);
            }
            r.stream(file, offset, length);
            handedOver = true;
            return r;
        } finally {
            if (!handedOver) file.close();
        }
    }
}
