package dev.cistern.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.s3.testing.RawS3;
import dev.cistern.s3.testing.S3Fixture;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/** Many requests on one keep-alive connection: every response framed exactly, every body byte-exact. */
class KeepAliveTest {
    @TempDir
    Path dir;

    @Test
    void sequentialGetsOnOneConnection() throws Exception {
        try (S3Fixture s3 = new S3Fixture(dir); var presigner = s3.presigner()) {
            s3.client.createBucket(b -> b.bucket("keepalive"));
            int[] sizes = {1 << 20, 3 << 20, 5, 0, (1 << 20) + 7, 700_000};
            byte[][] data = new byte[sizes.length][];
            for (int i = 0; i < sizes.length; i++) {
                data[i] = new byte[sizes[i]];
                new Random(i).nextBytes(data[i]);
                int n = i;
                s3.client.putObject(b -> b.bucket("keepalive").key("o" + n), RequestBody.fromBytes(data[n]));
            }
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < sizes.length; i++) {
                    int n = i;
                    var url = presigner.presignGetObject(b -> b.signatureDuration(Duration.ofMinutes(5))
                            .getObjectRequest(g -> g.bucket("keepalive").key("o" + n))).url().toURI();
                    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.body()).as("object o%d round %d", i, round).isEqualTo(data[i]);
                }
            }
        }
    }

    /**
     * A client that pipelines a request behind one whose response it does not read must be held back by
     * TCP, not have its bytes queued in the server's heap: the queued request waits, so must its body.
     */
    @Test
    void pipelinedBodyBehindAnUnreadResponseIsNotBuffered() throws Exception {
        try (S3Fixture s3 = new S3Fixture(dir)) {
            s3.client.createBucket(b -> b.bucket("pipeline"));
            byte[] big = new byte[16 << 20];
            new Random(1).nextBytes(big);
            s3.client.putObject(b -> b.bucket("pipeline").key("big"), RequestBody.fromBytes(big));
            RawS3 raw = new RawS3(s3.server.port(), S3Fixture.ACCESS_KEY, S3Fixture.SECRET_KEY);
            long declared = 1L << 30;
            StringBuilder head = new StringBuilder();
            Map<String, String> get = raw.sign("GET", "/pipeline/big", "", "UNSIGNED-PAYLOAD", Map.of());
            get.remove("__signature");
            head.append("GET /pipeline/big HTTP/1.1\r\n");
            get.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            Map<String, String> put = raw.sign("PUT", "/pipeline/flood", "", "UNSIGNED-PAYLOAD", Map.of());
            put.remove("__signature");
            head.append("PUT /pipeline/flood HTTP/1.1\r\n");
            put.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("content-length: ").append(declared).append("\r\n\r\n");
            AtomicLong written = new AtomicLong();
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(16 * 1024); // the GET's response stays unread: keep what the kernel buffers small
                s.connect(new java.net.InetSocketAddress("127.0.0.1", s3.server.port()));
                OutputStream out = s.getOutputStream();
                out.write(head.toString().getBytes(StandardCharsets.UTF_8));
                Thread writer = Thread.ofPlatform().daemon().start(() -> {
                    byte[] piece = new byte[1 << 20];
                    try {
                        while (written.get() < declared) {
                            out.write(piece);
                            written.addAndGet(piece.length);
                        }
                    } catch (java.io.IOException e) {
                        // the socket was closed at the end of the test
                    }
                });
                Thread.sleep(5000);
                // socket buffers on both sides hold a few MiB; everything beyond that would be in the server's heap
                assertThat(written.get()).as("bytes of the pipelined body the server took while the GET was unread")
                        .isLessThan(64L << 20);
                s.close();
                writer.join(5000);
            }
            // the held-back request is served once the response before it is read
            byte[] small = "after the big one".getBytes(StandardCharsets.UTF_8);
            Map<String, String> put2 = raw.sign("PUT", "/pipeline/small", "", "UNSIGNED-PAYLOAD", Map.of());
            put2.remove("__signature");
            StringBuilder two = new StringBuilder(head.substring(0, head.indexOf("PUT ")));
            two.append("PUT /pipeline/small HTTP/1.1\r\n");
            put2.forEach((k, v) -> two.append(k).append(": ").append(v).append("\r\n"));
            two.append("content-length: ").append(small.length).append("\r\n\r\n");
            try (Socket s = new Socket("127.0.0.1", s3.server.port())) {
                s.setSoTimeout(30_000);
                s.getOutputStream().write(two.toString().getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().write(small);
                java.io.InputStream in = new java.io.BufferedInputStream(s.getInputStream());
                assertThat(readResponse(in)).isEqualTo(200);
                assertThat(readResponse(in)).isEqualTo(200);
            }
            assertThat(s3.client.getObjectAsBytes(b -> b.bucket("pipeline").key("small")).asByteArray()).isEqualTo(small);
        }
    }

    /** Reads one response with a Content-Length body; returns its status. */
    private static int readResponse(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) throw new java.io.EOFException("connection closed in a response head: " + head);
            head.append((char) c);
        }
        long length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) length = Long.parseLong(line.substring(15).trim());
        }
        in.skipNBytes(length);
        return Integer.parseInt(head.toString().split(" ")[1]);
    }
}
