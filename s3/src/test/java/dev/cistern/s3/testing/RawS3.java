package dev.cistern.s3.testing;

import dev.cistern.s3.auth.SigV4;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deliberately low-level S3 client for hostile-input tests: builds SigV4-signed HTTP/1.1 requests by
 * hand (so they can be corrupted: wrong signatures, bad chunk signatures, truncated bodies, huge
 * headers) and sends them over a plain socket.
 */
public final class RawS3 {
    private static final DateTimeFormatter AMZ = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final int port;
    private final String accessKey;
    private final String secret;
    public Instant time = null;
    /** The Host header to sign and send; null for 127.0.0.1:port (virtual-host tests set bucket.domain:port). */
    public String host = null;
    /** Sign as usual but leave x-amz-content-sha256 out of the request (the payload mode still goes into the signature). */
    public boolean omitContentSha256 = false;
    /**
     * For mutation fuzzing: when set, each signed request goes out as the bytes this makes of it (head
     * and body together), the sending side is then shut, and a connection closed without an answer
     * reads as status -1.
     */
    public java.util.function.UnaryOperator<byte[]> mutator = null;
    /** How long to wait for an answer. */
    public int timeoutMs = 10_000;

    public RawS3(int port, String accessKey, String secret) {
        this.port = port;
        this.accessKey = accessKey;
        this.secret = secret;
    }

    /** A parsed response. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String code() {
            int a = body.indexOf("<Code>");
            return a < 0 ? null : body.substring(a + 6, body.indexOf("</Code>"));
        }
    }

    /** A request signed over a single-chunk payload (its SHA-256 in x-amz-content-sha256). */
    public Response send(String method, String path, String query, byte[] body, Map<String, String> extra) throws IOException {
        Map<String, String> h = sign(method, path, query, SigV4.hex(SigV4.sha256().digest(body)), extra);
        return exchange(method, path, query, h, body, body.length, false);
    }

    /** A request signed with UNSIGNED-PAYLOAD: the body is not covered by the signature. */
    public Response sendUnsignedPayload(String method, String path, String query, byte[] body, Map<String, String> extra)
            throws IOException {
        Map<String, String> h = sign(method, path, query, SigV4.UNSIGNED_PAYLOAD, extra);
        return exchange(method, path, query, h, body, body.length, false);
    }

    /** Sends STREAMING-AWS4-HMAC-SHA256-PAYLOAD; {@code corruptChunk} >= 0 damages that chunk's signature. */
    public Response sendChunked(String path, byte[] data, int chunk, int corruptChunk, boolean truncate) throws IOException {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("content-encoding", "aws-chunked");
        extra.put("x-amz-decoded-content-length", Integer.toString(data.length));
        Map<String, String> h = sign("PUT", path, "", SigV4.STREAMING_SIGNED, extra);
        String seed = h.remove("__signature");
        String date = h.get("x-amz-date");
        String scope = date.substring(0, 8) + "/us-east-1/s3/aws4_request";
        byte[] key = SigV4.signingKey(secret, date.substring(0, 8), "us-east-1", "s3");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String prev = seed;
        int n = 0;
        for (int off = 0; ; off += chunk, n++) {
            int len = Math.max(0, Math.min(chunk, data.length - off));
            int from = Math.min(off, data.length);
            byte[] piece = java.util.Arrays.copyOfRange(data, from, from + len);
            String sts = "AWS4-HMAC-SHA256-PAYLOAD\n" + date + "\n" + scope + "\n" + prev + "\n" + SigV4.EMPTY_SHA256 + "\n"
                    + SigV4.hex(SigV4.sha256().digest(piece));
            String sig = SigV4.hex(SigV4.hmac(key, sts));
            prev = sig;
            if (n == corruptChunk) sig = (sig.charAt(0) == 'a' ? "b" : "a") + sig.substring(1);
            out.writeBytes((Integer.toHexString(len) + ";chunk-signature=" + sig + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(piece);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            if (len == 0) break;
        }
        byte[] body = out.toByteArray();
        return exchange("PUT", path, "", h, body, body.length, truncate);
    }

    /**
     * Sends STREAMING-UNSIGNED-PAYLOAD-TRAILER (what current SDKs send over HTTPS): plain chunks, then a
     * trailing x-amz-checksum-crc32 header carrying {@code crc32Base64}.
     */
    public Response sendUnsignedTrailer(String path, byte[] data, int chunk, String crc32Base64) throws IOException {
        return sendTrailer(path, data, chunk, false, "x-amz-checksum-crc32", crc32Base64);
    }

    /**
     * Sends an aws-chunked body with a trailer: STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER when
     * {@code signed} (chunk and trailer signatures all valid), else STREAMING-UNSIGNED-PAYLOAD-TRAILER.
     * x-amz-trailer declares {@code declared}; the trailer carries it with {@code value}, or nothing at
     * all when {@code value} is null (a declared trailer that never arrives).
     */
    public Response sendTrailer(String path, byte[] data, int chunk, boolean signed, String declared, String value)
            throws IOException {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("content-encoding", "aws-chunked");
        extra.put("x-amz-decoded-content-length", Integer.toString(data.length));
        extra.put("x-amz-trailer", declared);
        Map<String, String> h = sign("PUT", path, "", signed ? SigV4.STREAMING_SIGNED_TRAILER : SigV4.STREAMING_UNSIGNED_TRAILER,
                extra);
        String date = h.get("x-amz-date");
        String scope = date.substring(0, 8) + "/us-east-1/s3/aws4_request";
        byte[] key = SigV4.signingKey(secret, date.substring(0, 8), "us-east-1", "s3");
        String prev = h.get("__signature");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int off = 0; ; off += chunk) {
            int len = Math.max(0, Math.min(chunk, data.length - off));
            byte[] piece = java.util.Arrays.copyOfRange(data, Math.min(off, data.length), Math.min(off, data.length) + len);
            String ext = "";
            if (signed) {
                String sts = "AWS4-HMAC-SHA256-PAYLOAD\n" + date + "\n" + scope + "\n" + prev + "\n" + SigV4.EMPTY_SHA256 + "\n"
                        + SigV4.hex(SigV4.sha256().digest(piece));
                prev = SigV4.hex(SigV4.hmac(key, sts));
                ext = ";chunk-signature=" + prev;
            }
            out.writeBytes((Integer.toHexString(len) + ext + "\r\n").getBytes(StandardCharsets.US_ASCII));
            if (len == 0) break;
            out.writeBytes(piece);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        String trailer = value == null ? "" : declared + ":" + value + "\n";
        out.writeBytes(trailer.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII));
        if (signed) {
            String sts = "AWS4-HMAC-SHA256-TRAILER\n" + date + "\n" + scope + "\n" + prev + "\n" + SigV4.sha256Hex(trailer);
            out.writeBytes(("x-amz-trailer-signature:" + SigV4.hex(SigV4.hmac(key, sts)) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] body = out.toByteArray();
        return exchange("PUT", path, "", h, body, body.length, false);
    }

    /** Sends a request with arbitrary (unsigned) headers, e.g. an oversized one. */
    public Response sendRaw(String head) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return read(s.getInputStream());
        }
    }

    public Map<String, String> sign(String method, String path, String query, String payload, Map<String, String> extra) {
        Instant now = time != null ? time : Instant.now();
        String date = AMZ.format(now);
        TreeMap<String, String> h = new TreeMap<>();
        h.put("host", host != null ? host : "127.0.0.1:" + port);
        h.put("x-amz-date", date);
        if (!omitContentSha256) h.put("x-amz-content-sha256", payload);
        extra.forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
        StringBuilder canon = new StringBuilder(method).append('\n').append(path).append('\n').append(query).append('\n');
        h.forEach((k, v) -> canon.append(k).append(':').append(v.trim()).append('\n'));
        String signed = String.join(";", h.keySet());
        canon.append('\n').append(signed).append('\n').append(payload);
        String scope = date.substring(0, 8) + "/us-east-1/s3/aws4_request";
        String sts = SigV4.ALGORITHM + "\n" + date + "\n" + scope + "\n" + SigV4.sha256Hex(canon.toString());
        String sig = SigV4.hex(SigV4.hmac(SigV4.signingKey(secret, date.substring(0, 8), "us-east-1", "s3"), sts));
        Map<String, String> out = new LinkedHashMap<>(h);
        out.put("authorization", SigV4.ALGORITHM + " Credential=" + accessKey + "/" + scope + ", SignedHeaders=" + signed
                + ", Signature=" + sig);
        out.put("__signature", sig);
        return out;
    }

    private Response exchange(String method, String path, String query, Map<String, String> h, byte[] body, long length,
                              boolean truncate) throws IOException {
        h.remove("__signature");
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(query.isEmpty() ? "" : "?" + query)
                .append(" HTTP/1.1\r\n");
        h.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("content-length: ").append(length).append("\r\nconnection: close\r\n\r\n");
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(timeoutMs);
            OutputStream o = s.getOutputStream();
            if (mutator != null) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                all.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
                all.writeBytes(body);
                try {
                    o.write(mutator.apply(all.toByteArray()));
                    o.flush();
                    s.shutdownOutput();
                    return read(s.getInputStream());
                } catch (java.net.SocketTimeoutException e) {
                    throw e;
                } catch (IOException e) {
                    return new Response(-1, Map.of(), "");
                }
            }
            o.write(head.toString().getBytes(StandardCharsets.UTF_8));
            if (truncate) {
                o.write(body, 0, body.length / 2);
                o.flush();
                s.shutdownOutput();
                try {
                    return read(s.getInputStream());
                } catch (IOException e) {
                    return new Response(-1, Map.of(), "");
                }
            }
            o.write(body);
            o.flush();
            return read(s.getInputStream());
        }
    }

    static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) all.write(buf, 0, n);
        String text = all.toString(StandardCharsets.UTF_8);
        if (text.isEmpty()) return new Response(-1, Map.of(), "");
        // an interim 100 Continue (to Expect: 100-continue) comes before the response
        while (text.startsWith("HTTP/1.1 100 ") && text.indexOf("\r\n\r\n") + 4 < text.length()) {
            text = text.substring(text.indexOf("\r\n\r\n") + 4);
        }
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, c).toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
        }
        return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
    }
}
