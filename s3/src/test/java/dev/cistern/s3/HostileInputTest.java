package dev.cistern.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.s3.testing.RawS3;
import dev.cistern.s3.testing.S3Fixture;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

/** Malformed, truncated, forged and oversized requests: the right S3 error, nothing stored, server still serving. */
class HostileInputTest {
    @RegisterExtension
    static final S3Fixture.PerClass s3 = S3Fixture.perClass();
    static RawS3 raw;

    @BeforeAll
    static void start() {
        s3.get().client.createBucket(b -> b.bucket("hostile"));
        raw = new RawS3(s3.get().server.port(), S3Fixture.ACCESS_KEY, S3Fixture.SECRET_KEY);
    }

    @AfterEach
    void serverStillServes() {
        s3.get().client.putObject(b -> b.bucket("hostile").key("canary"), RequestBody.fromString("alive"));
        assertThat(s3.get().client.getObjectAsBytes(b -> b.bucket("hostile").key("canary")).asUtf8String()).isEqualTo("alive");
        assertThat(s3.get().server.healthy()).isTrue();
    }

    private static boolean exists(String key) {
        try {
            s3.get().client.headObject(b -> b.bucket("hostile").key(key));
            return true;
        } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
            return false;
        }
    }

    @Test
    void malformedXmlBodies() throws Exception {
        for (String body : new String[] {"<Delete><Object><Key>a</Key>", "not xml at all",
                "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Delete><Object><Key>&x;</Key></Object></Delete>"}) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String md5 = Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5").digest(b));
            RawS3.Response r = raw.send("POST", "/hostile", "delete=", b, Map.of("content-md5", md5));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.code()).isEqualTo("MalformedXML");
        }
        RawS3.Response r = raw.send("PUT", "/hostile", "versioning=", "<VersioningConfiguration><Status>Maybe".getBytes(), Map.of());
        assertThat(r.code()).isEqualTo("MalformedXML");
    }

    @Test
    void wrongPayloadHashAndContentMd5StoreNothing() throws Exception {
        byte[] body = "payload".getBytes(StandardCharsets.UTF_8);
        Map<String, String> h = raw.sign("PUT", "/hostile/hash", "", "0".repeat(64), Map.of());
        RawS3.Response r = sendWithHeaders("PUT", "/hostile/hash", h, body);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("XAmzContentSHA256Mismatch");
        assertThat(exists("hash")).isFalse();
        String wrongMd5 = Base64.getEncoder().encodeToString(new byte[16]);
        r = raw.send("PUT", "/hostile/md5", "", body, Map.of("content-md5", wrongMd5));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("BadDigest");
        assertThat(exists("md5")).isFalse();
        r = raw.send("PUT", "/hostile/crc", "", body, Map.of("x-amz-checksum-crc32", "AAAAAA=="));
        assertThat(r.code()).isEqualTo("BadDigest");
        assertThat(exists("crc")).isFalse();
    }

    @Test
    void truncatedBodiesStoreNothing() throws Exception {
        byte[] data = new byte[300_000];
        new java.util.Random(7).nextBytes(data);
        raw.sendChunked("/hostile/truncated-chunked", data, 65536, -1, true);
        byte[] small = new byte[100_000];
        RawS3.Response r = raw.send("PUT", "/hostile/ok-first", "", small, Map.of());
        assertThat(r.status()).isEqualTo(200);
        // a plain body cut short: declare more than is sent, then close
        Map<String, String> h = raw.sign("PUT", "/hostile/truncated-plain", "", "UNSIGNED-PAYLOAD", Map.of());
        h.remove("__signature");
        StringBuilder head = new StringBuilder("PUT /hostile/truncated-plain HTTP/1.1\r\n");
        h.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("content-length: 1000000\r\n\r\n");
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", s3.get().server.port())) {
            s.getOutputStream().write(head.toString().getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().write(new byte[1000]);
            s.getOutputStream().flush();
        }
        Thread.sleep(300);
        assertThat(exists("truncated-chunked")).isFalse();
        assertThat(exists("truncated-plain")).isFalse();
    }

    @Test
    void oversizedHeadersAndBadBucketNames() throws Exception {
        RawS3.Response r = raw.sendRaw("GET /hostile HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(40_000)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("RequestHeaderSectionTooLarge");
        for (String name : new String[] {"Upper", "a", "192.168.1.1", "bad_name", "-dash", "x..y"}) {
            r = raw.send("PUT", "/" + name, "", new byte[0], Map.of());
            assertThat(r.status()).as(name).isEqualTo(400);
            assertThat(r.code()).as(name).isEqualTo("InvalidBucketName");
        }
    }

    @Test
    void badChunkFramingIsRefused() throws Exception {
        Map<String, String> extra = Map.of("content-encoding", "aws-chunked", "x-amz-decoded-content-length", "5");
        Map<String, String> h = raw.sign("PUT", "/hostile/framing", "", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", extra);
        RawS3.Response r = sendWithHeaders("PUT", "/hostile/framing", h, "zz;chunk-signature=00\r\nhello\r\n".getBytes());
        assertThat(r.status()).isEqualTo(400);
        assertThat(exists("framing")).isFalse();
    }

    /**
     * A key whose percent-escapes are not UTF-8 is refused: decoded leniently, %FF and %FE both became
     * U+FFFD, so two different keys named the same object and one PUT replaced the other's data.
     */
    @Test
    void keysThatAreNotUtf8AreRefused() throws Exception {
        String replacement = "/hostile/%EF%BF%BD"; // what the server made of them: sign that, send the raw bytes
        for (String path : new String[] {"/hostile/%FF", "/hostile/%FE", "/hostile/a%C3", "/hostile/%ED%A0%80"}) {
            Map<String, String> h = raw.sign("PUT", replacement, "", "UNSIGNED-PAYLOAD", Map.of());
            RawS3.Response r = sendWithHeaders("PUT", path, h, path.getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).as(path).isEqualTo(400);
            assertThat(r.code()).as(path).isEqualTo("InvalidArgument");
        }
        assertThat(exists("\uFFFD")).isFalse();
        assertThat(exists("a\uFFFD")).isFalse();
        RawS3.Response r = raw.send("GET", "/hostile", "list-type=2&prefix=%FF", new byte[0], Map.of());
        assertThat(r.status()).isEqualTo(400);
    }

    /** An x-amz-tagging header that is not a valid query string is a 400 and stores nothing (was 500). */
    @Test
    void malformedTaggingHeaderIsRefused() throws Exception {
        for (String tagging : new String[] {"a=%zz", "a=%", "%FF=b"}) {
            RawS3.Response r = raw.send("PUT", "/hostile/tagged", "", "x".getBytes(StandardCharsets.UTF_8),
                    Map.of("x-amz-tagging", tagging));
            assertThat(r.status()).as(tagging).isEqualTo(400);
            assertThat(r.code()).as(tagging).isEqualTo("InvalidArgument");
        }
        assertThat(exists("tagged")).isFalse();
    }

    private static RawS3.Response sendWithHeaders(String method, String path, Map<String, String> h, byte[] body)
            throws Exception {
        h.remove("__signature");
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        h.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("content-length: ").append(body.length).append("\r\nconnection: close\r\n\r\n");
        StringBuilder all = new StringBuilder(head);
        return raw.sendRaw(all + new String(body, StandardCharsets.ISO_8859_1));
    }
}
