package dev.cistern.s3.http;

import dev.cistern.engine.FileEntry;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an operation answers: a status, headers and either a small in-memory body or a range of a
 * stored stream that the sender copies to the socket piece by piece (and then closes).
 */
public final class S3Response {
    private final int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body = new byte[0];
    private FileEntry file;
    private long fileOffset;
    private long fileLength;
    private boolean headOnly;

    private S3Response(int status) {
        this.status = status;
    }

    public static S3Response status(int status) {
        return new S3Response(status);
    }

    public static S3Response ok() {
        return new S3Response(200);
    }

    public static S3Response noContent() {
        return new S3Response(204);
    }

    public static S3Response xml(int status, byte[] xml) {
        S3Response r = new S3Response(status);
        r.headers.put("Content-Type", "application/xml");
        r.body = xml;
        return r;
    }

    public static S3Response xml(byte[] xml) {
        return xml(200, xml);
    }

    public S3Response header(String name, Object value) {
        if (value != null) headers.put(name, String.valueOf(value));
        return this;
    }

    public S3Response body(byte[] bytes) {
        this.body = bytes;
        return this;
    }

    public S3Response body(String text) {
        return body(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Streams {@code length} bytes of {@code file} from {@code offset}; the sender closes the file. */
    public S3Response stream(FileEntry file, long offset, long length) {
        this.file = file;
        this.fileOffset = offset;
        this.fileLength = length;
        return this;
    }

    /** HEAD: the headers (including Content-Length) of the GET, without its body. */
    public S3Response headOnly(long contentLength) {
        this.headOnly = true;
        this.fileLength = contentLength;
        return this;
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public byte[] body() {
        return body;
    }

    public FileEntry file() {
        return file;
    }

    public long fileOffset() {
        return fileOffset;
    }

    public long fileLength() {
        return fileLength;
    }

    public boolean isHeadOnly() {
        return headOnly;
    }
}
