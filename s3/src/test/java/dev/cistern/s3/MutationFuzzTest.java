package dev.cistern.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.s3.testing.RawS3;
import dev.cistern.s3.testing.S3Fixture;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Seeded mutation fuzzing of the S3 front end: valid signed requests (PUT plain, aws-chunked signed,
 * with a trailer; DeleteObjects, CompleteMultipartUpload, tagging, versioning and lock XML; listings,
 * ranged GETs, UploadPart, CopyObject) with their query, headers and XML changed before signing, or
 * their bytes changed after (Content-Length lies, chunk framing, truncation, byte flips). Every answer
 * must be a well-formed S3 answer and never 500 (InternalError: the server failed); after every case the server stores and serves an
 * object; at checkpoints an object another user stored before the fuzzing reads back unchanged, no
 * connection to the server stays open, the platform threads are back to their baseline and the server
 * logged no warning or error. ~15 s with a fixed seed; -Dcistern.test.long=true runs 5 minutes;
 * -Dcistern.fuzz.seed=N and -Dcistern.fuzz.seconds=N choose.
 */
class MutationFuzzTest {
    static {
        // Netty reports a buffer that was never released when the GC finds it: to the JDK log, where the
        // watch below sees it (SLF4J has no binding in these tests and would swallow it). Only if this class
        // is the first in its JVM to use Netty: its leak detector keeps the logger it was created with
        // (alone, a buffer leaked on purpose here was reported and failed the test)
        io.netty.util.internal.logging.InternalLoggerFactory.setDefaultFactory(
                io.netty.util.internal.logging.JdkLoggerFactory.INSTANCE);
        io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.PARANOID);
    }

    @RegisterExtension
    static final S3Fixture.PerClass s3 = S3Fixture.perClass();
    private static final long SEED = Long.getLong("cistern.fuzz.seed", 2006_0301L);
    private static final long SECONDS = Long.getLong("cistern.fuzz.seconds",
            Boolean.getBoolean("cistern.test.long") ? 300 : 15);
    private static final int CHECK_EVERY = 50;
    private static final String BOB_KEY = "CKTESTACCESSKEY00BOB";
    private static final String BOB_SECRET = "bobsecret/0123456789abcdefghijklmnopqrs";

    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final Handler logWatch = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue() && r.getLoggerName() != null
                    && (r.getLoggerName().startsWith("dev.cistern") || r.getLoggerName().startsWith("io.netty.util.ResourceLeak"))) {
                problems.add(r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()
                        + (r.getThrown() == null ? "" : " " + r.getThrown()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private RawS3 alice;
    private RawS3 bob;
    private byte[] kept;

    @BeforeEach
    void start() throws Exception {
        Logger.getLogger("").addHandler(logWatch);
        s3.get().keys.put(BOB_KEY, BOB_SECRET, "bob");
        alice = new RawS3(s3.get().server.port(), S3Fixture.ACCESS_KEY, S3Fixture.SECRET_KEY);
        bob = new RawS3(s3.get().server.port(), BOB_KEY, BOB_SECRET);
        assertThat(alice.send("PUT", "/fuzz", "", new byte[0], Map.of()).status()).isEqualTo(200);
        assertThat(bob.send("PUT", "/vault", "", new byte[0], Map.of()).status()).isEqualTo(200);
        kept = S3Fixture.random(200_000, SEED);
        assertThat(bob.send("PUT", "/vault/kept", "", kept, Map.of()).status()).isEqualTo(200);
    }

    @AfterEach
    void stop() {
        Logger.getLogger("").removeHandler(logWatch);
    }

    @Test
    void mutatedRequestsNeverHurtTheServerItsDataOrItsResources() throws Exception {
        try (java.net.Socket probe = new java.net.Socket("127.0.0.1", s3.get().server.port())) {
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (openConnections() == 0 && System.nanoTime() < until) Thread.sleep(20);
            assertThat(openConnections()).as("the kernel's table shows an open connection").isEqualTo(1);
        }
        Thread.sleep(200);
        int platformThreads = ManagementFactory.getThreadMXBean().getThreadCount();
        Random rnd = new Random(SEED);
        long deadline = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
        int cases = 0;
        while (System.nanoTime() < deadline) {
            long caseSeed = rnd.nextLong();
            runCase(caseSeed);
            cases++;
            byte[] canary = ("alive " + cases).getBytes(StandardCharsets.UTF_8);
            assertThat(alice.send("PUT", "/fuzz/canary", "", canary, Map.of()).status())
                    .as("a PUT after case %016x", caseSeed).isEqualTo(200);
            assertThat(alice.send("GET", "/fuzz/canary", "", new byte[0], Map.of()).body())
                    .as("a GET after case %016x", caseSeed).isEqualTo(new String(canary, StandardCharsets.UTF_8));
            if (cases % CHECK_EVERY == 0) checkpoint(platformThreads, String.format("after case %d (%016x)", cases, caseSeed));
        }
        checkpoint(platformThreads, "at the end");
        System.out.printf("S3 mutation fuzz: seed %d, %d cases in %d s, outcomes %s%n", SEED, cases, SECONDS, outcomes);
        assertThat(cases).isGreaterThan(20);
    }

    // ---- one case ----

    private void runCase(long caseSeed) throws Exception {
        Random r = new Random(caseSeed);
        boolean raw = r.nextInt(3) == 0; // else the request is mutated before it is signed
        alice.mutator = raw ? bytes -> mutateBytes(bytes, r) : null;
        alice.timeoutMs = 2000;
        String outcome;
        try {
            RawS3.Response resp = request(r, raw);
            checkAnswer(resp, caseSeed);
            outcome = resp.status() < 0 ? "closed" : Integer.toString(resp.status());
        } catch (java.net.SocketTimeoutException e) {
            outcome = "timeout"; // a body declared longer than sent: the server waits for the rest
        } catch (java.net.SocketException e) {
            outcome = "reset"; // refused before the whole body was sent (too large), the connection closed
        } finally {
            alice.mutator = null;
            alice.timeoutMs = 10_000;
        }
        outcomes.merge(outcome, 1, Integer::sum);
    }

    private RawS3.Response request(Random r, boolean raw) throws Exception {
        String key = "/fuzz/k" + r.nextInt(20);
        switch (r.nextInt(11)) {
            case 0 -> {
                return alice.send("PUT", key, query(r, "", "tagging"), body(r), headers(r));
            }
            case 1 -> {
                byte[] data = body(r);
                return alice.sendChunked(key, data, pickInt(r, 1, 100, 8192, 65536), r.nextInt(8) == 0 ? r.nextInt(3) : -1,
                        false);
            }
            case 2 -> {
                byte[] data = body(r);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(data);
                String value = r.nextBoolean() ? Base64.getEncoder().encodeToString(
                        java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array()) : pickText(r);
                return alice.sendTrailer(key, data, pickInt(r, 1, 1000, 65536), r.nextBoolean(),
                        r.nextInt(6) == 0 ? pickText(r) : "x-amz-checksum-crc32", r.nextInt(8) == 0 ? null : value);
            }
            case 3 -> {
                StringBuilder x = new StringBuilder("<Delete><Quiet>false</Quiet>");
                for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) x.append("<Object><Key>k").append(r.nextInt(20)).append("</Key></Object>");
                byte[] xml = xml(x.append("</Delete>").toString(), r);
                Map<String, String> h = headers(r);
                h.put("content-md5", md5(xml));
                return alice.send("POST", "/fuzz", query(r, "delete=", "delete"), xml, h);
            }
            case 4 -> {
                return completeMultipart(r, key);
            }
            case 5 -> {
                String[] params = {"list-type=2", "max-keys=" + pickText(r), "prefix=k", "delimiter=/", "start-after=k1",
                        "continuation-token=" + pickText(r), "encoding-type=url", "fetch-owner=true", "versions=",
                        "uploads=", "marker=k2", "key-marker=k3", "version-id-marker=" + pickText(r), "max-uploads=" + pickText(r)};
                List<String> q = new ArrayList<>();
                for (String p : params) if (r.nextInt(3) == 0) q.add(p);
                q.sort(null);
                return alice.send("GET", "/fuzz", query(r, String.join("&", q), "list-type"), new byte[0], headers(r));
            }
            case 6 -> {
                Map<String, String> h = headers(r);
                h.put("range", pick(r, "bytes=0-0", "bytes=-1", "bytes=5-1", "bytes=0-", "bytes=-0", "bytes=",
                        "bytes=0-99999999999999999999", "bytes=1-2,3-4", "chars=0-1", "bytes=18446744073709551615-"));
                String q = r.nextBoolean() ? "" : pick(r, "partNumber=" + pickText(r), "versionId=" + pickText(r));
                return alice.send(r.nextBoolean() ? "GET" : "HEAD", key, q, new byte[0], h);
            }
            case 7 -> {
                String[] bodies = {"<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>",
                        "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>",
                        "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>"
                                + "<Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>",
                        "<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2030-01-01T00:00:00Z</RetainUntilDate></Retention>",
                        "<LegalHold><Status>OFF</Status></LegalHold>"};
                String[] queries = {"tagging=", "versioning=", "object-lock=", "retention=", "legal-hold="};
                int i = r.nextInt(bodies.length);
                boolean onObject = i == 0 ? r.nextBoolean() : i >= 3;
                byte[] xml = xml(bodies[i], r);
                Map<String, String> h = headers(r);
                h.put("content-md5", md5(xml));
                return alice.send("PUT", onObject ? key : "/fuzz", query(r, queries[i], queries[i].replace("=", "")), xml, h);
            }
            case 8 -> {
                String q = "partNumber=" + (r.nextBoolean() ? "1" : pickText(r)) + "&uploadId=" + pickText(r);
                return alice.send("PUT", key, q, body(r), headers(r));
            }
            case 9 -> {
                Map<String, String> h = headers(r);
                h.put("x-amz-copy-source", pick(r, "/fuzz/k1", "fuzz/k2", "/vault/kept", "/fuzz/k1?versionId=" + pickText(r),
                        "/", "", "/fuzz/", "%", "/fuzz/%zz", "/fuzz/k1" + "x".repeat(2000)));
                if (r.nextBoolean()) h.put("x-amz-copy-source-range", pick(r, "bytes=0-1", "bytes=5-1", "bytes=-1", pickText(r)));
                if (r.nextBoolean()) h.put("x-amz-metadata-directive", pick(r, "COPY", "REPLACE", pickText(r)));
                return alice.send("PUT", key, r.nextBoolean() ? "" : "partNumber=1&uploadId=" + pickText(r), new byte[0], h);
            }
            default -> {
                return alice.send(pick(r, "DELETE", "GET", "HEAD", "POST", "PUT", "OPTIONS", "PATCH"),
                        pick(r, key, "/fuzz", "/", "/vault", "/vault/kept", "/fuzz/" + "k".repeat(1100), "/fuzz//k", "/fuzz/..",
                                "/fuzz/k1/../../vault/kept"),
                        query(r, "", "uploads"), r.nextBoolean() ? new byte[0] : body(r), headers(r));
            }
        }
    }

    /** Create an upload and one part for real, then complete it with the XML mutated. */
    private RawS3.Response completeMultipart(Random r, String key) throws Exception {
        RawS3.Response created = withoutMutation(() -> alice.send("POST", key, "uploads=", new byte[0], Map.of()));
        assertThat(created.status()).isEqualTo(200);
        String body = created.body();
        String uploadId = body.substring(body.indexOf("<UploadId>") + 10, body.indexOf("</UploadId>"));
        String q = "partNumber=1&uploadId=" + uploadId;
        RawS3.Response part = withoutMutation(() -> alice.send("PUT", key, q, S3Fixture.random(6 << 20, 5), Map.of()));
        assertThat(part.status()).isEqualTo(200);
        String etag = part.headers().get("etag");
        StringBuilder x = new StringBuilder("<CompleteMultipartUpload>");
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
            x.append("<Part><PartNumber>").append(i + 1).append("</PartNumber><ETag>").append(etag).append("</ETag></Part>");
        }
        byte[] xml = xml(x.append("</CompleteMultipartUpload>").toString(), r);
        String uq = r.nextInt(8) == 0 ? "uploadId=" + pickText(r) : "uploadId=" + uploadId;
        RawS3.Response done = alice.send("POST", key, uq, xml, headers(r));
        withoutMutation(() -> alice.send("DELETE", key, "uploadId=" + uploadId, new byte[0], Map.of()));
        return done;
    }

    private interface Call {
        RawS3.Response run() throws IOException;
    }

    private RawS3.Response withoutMutation(Call c) throws IOException {
        var m = alice.mutator;
        alice.mutator = null;
        try {
            return c.run();
        } finally {
            alice.mutator = m;
        }
    }

    // ---- answers and checkpoints ----

    private void checkAnswer(RawS3.Response resp, long caseSeed) {
        if (resp.status() == 500) problems.add(String.format("case %016x: %d %s", caseSeed, resp.status(), resp.body()));
        if (resp.status() >= 400 && !resp.body().isEmpty() && !resp.body().contains("<Code>")) {
            problems.add(String.format("case %016x: %d without an S3 error: %s", caseSeed, resp.status(), resp.body()));
        }
    }

    private void checkpoint(int platformThreads, String when) throws Exception {
        System.gc(); // leaked buffers are reported once collected, at the next allocation
        for (int i = 0; i < 100; i++) io.netty.buffer.PooledByteBufAllocator.DEFAULT.directBuffer(64).release();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && openConnections() > 0) Thread.sleep(50);
        assertThat(problems).as("errors answered or logged, %s", when).isEmpty();
        assertThat(openConnections()).as("connections left open %s", when).isZero();
        assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).as("platform threads %s", when)
                .isLessThanOrEqualTo(platformThreads + 4);
        assertThat(s3.get().server.healthy()).isTrue();
        RawS3.Response back = bob.send("GET", "/vault/kept", "", new byte[0], Map.of());
        assertThat(back.status()).isEqualTo(200);
        assertThat(back.body().getBytes(StandardCharsets.UTF_8)).as("the kept object %s", when)
                .isEqualTo(new String(kept, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
    }

    /** TCP connections established to the server's port, from the kernel's table (Linux). */
    private static long openConnections() throws IOException {
        String port = String.format(":%04X ", s3.get().server.port());
        long n = 0;
        for (String table : new String[]{"/proc/net/tcp", "/proc/net/tcp6"}) {
            Path p = Path.of(table);
            if (!Files.exists(p)) continue;
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && (f[1] + " ").endsWith(port) && f[3].equals("01")) n++; // local side, ESTABLISHED
            }
        }
        return n;
    }

    // ---- mutations ----

    private static final String[] TEXT = {"", "0", "-1", "1", "10001", "2147483648", "99999999999999999999", "1e3", "%",
            "%zz", "a%00b", "\u00ff", "null", "x".repeat(3000), "..", "/", " ", "true", "Enabled", "COPY"};

    private static String pickText(Random r) {
        return TEXT[r.nextInt(TEXT.length)];
    }

    @SafeVarargs
    private static <T> T pick(Random r, T... values) {
        return values[r.nextInt(values.length)];
    }

    private static int pickInt(Random r, int... values) {
        return values[r.nextInt(values.length)];
    }

    private static byte[] body(Random r) {
        return S3Fixture.random(pickInt(r, 0, 1, 100, 5000, 70_000), r.nextLong());
    }

    /** The query as is, or with a parameter added, dropped or given an edge value. */
    private static String query(Random r, String query, String name) {
        if (r.nextInt(3) != 0) return query;
        List<String> params = new ArrayList<>(query.isEmpty() ? List.of() : Arrays.asList(query.split("&")));
        switch (r.nextInt(3)) {
            case 0 -> params.add(name + "=" + pickText(r));
            case 1 -> {
                if (!params.isEmpty()) params.remove(r.nextInt(params.size()));
            }
            default -> params.add(pick(r, "uploads=", "delete=", "tagging=", "versionId=" + pickText(r), "acl=",
                    "partNumber=" + pickText(r), "uploadId=" + pickText(r), "x-id=" + pickText(r)));
        }
        params.replaceAll(p -> p.replace("%", "%25").replace(" ", "%20").replace("\u00ff", "%C3%BF").replace("/", "%2F"));
        params.sort(null);
        return String.join("&", params);
    }

    /** A few headers of the request, each perhaps with an edge or malformed value. */
    private static Map<String, String> headers(Random r) {
        Map<String, String> h = new LinkedHashMap<>();
        String[] names = {"content-md5", "x-amz-checksum-crc32", "x-amz-checksum-sha256", "x-amz-checksum-crc64nvme",
                "x-amz-sdk-checksum-algorithm", "x-amz-meta-a", "x-amz-tagging", "x-amz-storage-class",
                "x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date", "x-amz-object-lock-legal-hold",
                "if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "x-amz-decoded-content-length",
                "content-type", "x-amz-bypass-governance-retention", "x-amz-expected-bucket-owner", "expect",
                "x-amz-meta-" + "m".repeat(2100)};
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            String value = r.nextBoolean() ? pickText(r) : pick(r, "AAAAAA==", "*", "\"x\"", "GOVERNANCE", "ON",
                    "2030-01-01T00:00:00Z", "Mon, 01 Jan 2001 00:00:00 GMT", "a=b&c", "100-continue", "CRC32",
                    "v".repeat(2100));
            h.put(names[r.nextInt(names.length)], value.replace("\u00ff", "y").trim().isEmpty() ? "x" : value.replace("\u00ff", "y"));
        }
        return h;
    }

    /** An XML document as is, or garbled: truncated, flipped, its numbers at the edges, bombs and depths. */
    private static byte[] xml(String doc, Random r) {
        String x = doc;
        switch (r.nextInt(9)) {
            case 0 -> {
                return doc.getBytes(StandardCharsets.UTF_8);
            }
            case 1 -> x = doc.substring(0, r.nextInt(doc.length()));
            case 2 -> {
                byte[] b = doc.getBytes(StandardCharsets.UTF_8);
                for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                return b;
            }
            case 3 -> x = doc.replaceAll(">[0-9A-Za-z\"-]+<", ">" + pickText(r).replace("<", "") + "<");
            case 4 -> { // an element repeated many times
                int a = doc.indexOf('<', 1);
                int b = doc.indexOf("</", a);
                int c = doc.indexOf('>', b);
                if (a > 0 && b > a && c > b) x = doc.substring(0, a) + doc.substring(a, c + 1).repeat(pickInt(r, 2, 1001, 20_000)) + doc.substring(c + 1);
            }
            case 5 -> x = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                    + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
                    + "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">]>"
                    + doc.replaceFirst("<Key>[^<]*</Key>|<Value>[^<]*</Value>|<Status>[^<]*</Status>", "<Key>&f;</Key>");
            case 6 -> {
                int depth = pickInt(r, 100, 5000, 50_000);
                x = doc.replaceFirst(">", ">" + "<a>".repeat(depth) + "</a>".repeat(depth));
            }
            case 7 -> x = doc.replace("<", "<ns:").replace("<ns:/", "</ns:");
            default -> x = doc + pick(r, "<extra/>", "garbage", "\u0000", "<!-- -->", "]]>");
        }
        return x.getBytes(StandardCharsets.UTF_8);
    }

    private static String md5(byte[] b) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(b));
    }

    /** After signing: the request's bytes changed (lengths that lie, chunk framing, truncation, flips). */
    private static byte[] mutateBytes(byte[] req, Random r) {
        String text = new String(req, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n") + 4;
        switch (r.nextInt(6)) {
            case 0 -> { // Content-Length lies
                String v = pick(r, "0", "1", "-1", "99999999999999999999", "abc", "5, 6", "2147483648", "");
                if (r.nextBoolean()) {
                    int bodyLen = req.length - headEnd;
                    v = Integer.toString(Math.max(0, bodyLen + pickInt(r, -1, -100, 1)));
                }
                return text.replaceFirst("content-length: [0-9]+", "content-length: " + v).getBytes(StandardCharsets.ISO_8859_1);
            }
            case 1 -> { // chunk framing: a chunk size or extension garbled
                String body = text.substring(headEnd);
                String mutated = body.replaceFirst("^[0-9a-f]+;", pick(r, "0;", "ffffffff;", "fffffffffffffffff;", "-1;", ";", "zz;"));
                if (r.nextBoolean()) mutated = mutated.replaceFirst("\r\n", "\n");
                return (text.substring(0, headEnd) + mutated).getBytes(StandardCharsets.ISO_8859_1);
            }
            case 2 -> {
                return Arrays.copyOf(req, r.nextInt(req.length + 1));
            }
            case 3 -> { // flipped bytes in the head or the body
                byte[] b = req.clone();
                for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
                return b;
            }
            case 4 -> { // a header added after signing: Transfer-Encoding besides Content-Length, a duplicate, a bare CR
                String extra = pick(r, "transfer-encoding: chunked\r\n", "content-length: 5\r\n", "host: evil\r\n",
                        "x-amz-date: 20000101T000000Z\r\n", "x: a\rb\r\n", " folded\r\n", "expect: 100-continue\r\n");
                int line = text.indexOf("\r\n") + 2;
                return (text.substring(0, line) + extra + text.substring(line)).getBytes(StandardCharsets.ISO_8859_1);
            }
            default -> { // the request line
                String line = text.substring(0, text.indexOf("\r\n"));
                String bad = pick(r, line.replace("HTTP/1.1", "HTTP/1.0"), line.replace("HTTP/1.1", "HTTP/9.9"),
                        line.replace(" /", " //"), line.replace(" ", "  "), line + " extra", line.replace("/fuzz", "/fu%00zz"));
                return (bad + text.substring(line.length())).getBytes(StandardCharsets.ISO_8859_1);
            }
        }
    }
}
