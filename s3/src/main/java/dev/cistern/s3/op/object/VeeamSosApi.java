package dev.cistern.s3.op.object;

import dev.cistern.engine.Stats;
import dev.cistern.engine.StorageGroupInfo;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.Dates;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.store.Bucket;
import dev.cistern.s3.store.ObjectNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Veeam's Smart Object Storage API: Veeam reads {@code system.xml} (what the storage can do) and
 * {@code capacity.xml} (size, free, used) under a fixed folder of each bucket. They are answered from
 * live figures rather than stored, so capacity always reflects the storage group's quota and usage;
 * an object the client stored under the same name takes precedence.
 */
final class VeeamSosApi {
    static final String FOLDER = ".system-d26a9498-cb7c-4a87-a44a-8ae204f5ba6c/";

    private VeeamSosApi() {
    }

    /** The virtual object's response, or null when {@code key} is not one of them (or is stored). */
    static S3Response answer(S3Call call, String key, boolean head) throws Exception {
        if (!key.startsWith(FOLDER)) return null;
        String name = key.substring(FOLDER.length());
        if (!name.equals("system.xml") && !name.equals("capacity.xml")) return null;
        Bucket bucket = call.bucket();
        if (bucket.handle().stat(ObjectNames.current(key)).isPresent()) return null;
        String xml = name.equals("system.xml") ? system() : capacity(call, bucket);
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        String etag = Digests.hex(MessageDigest.getInstance("MD5").digest(body));
        S3Response r = S3Response.ok().header("Content-Type", "application/xml").header("ETag", "\"" + etag + "\"")
                .header("Last-Modified", Dates.http(call.ctx().clock().instant()));
        return head ? r.headOnly(body.length) : r.body(body);
    }

    private static String system() {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<SystemInfo>"
                + "<ProtocolVersion>\"1.0\"</ProtocolVersion><ModelName>\"Cistern\"</ModelName>"
                + "<ProtocolCapabilities><CapacityInfo>true</CapacityInfo><UploadSessions>false</UploadSessions>"
                + "<IAMSTS>false</IAMSTS></ProtocolCapabilities>"
                + "<SystemRecommendations><S3ConcurrentTaskLimit>64</S3ConcurrentTaskLimit>"
                + "<S3MultiObjectDeleteLimit>1000</S3MultiObjectDeleteLimit><KbBlockSize>1024</KbBlockSize>"
                + "</SystemRecommendations></SystemInfo>";
    }

    private static String capacity(S3Call call, Bucket bucket) {
        var engine = call.ctx().engine();
        String group = bucket.info().groupName();
        StorageGroupInfo g = engine.group(group);
        Stats s = engine.groupStats(group);
        long used = s.storedBytes();
        long capacity = g.quotaBytes() > 0 ? g.quotaBytes() : used + engine.freeBytes();
        long available = Math.max(0, capacity - used);
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CapacityInfo><Capacity>" + capacity + "</Capacity>"
                + "<Available>" + available + "</Available><Used>" + used + "</Used></CapacityInfo>";
    }
}
