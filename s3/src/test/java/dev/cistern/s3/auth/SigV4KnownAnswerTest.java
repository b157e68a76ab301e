package dev.cistern.s3.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.s3.S3Credentials;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.S3Request;
import dev.cistern.s3.http.Uri;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The worked examples of the S3 SigV4 documentation, checked without sockets. */
class SigV4KnownAnswerTest {
    static final S3Credentials KEYS = id -> id.equals("AKIAIOSFODNN7EXAMPLE")
            ? Optional.of(new S3Credentials.Key(id, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "example")) : Optional.empty();
    static final Clock THEN = Clock.fixed(Instant.parse("2013-05-24T00:00:00Z"), ZoneOffset.UTC);
    static final String SCOPE = "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request";

    @Test
    void getObjectExample() {
        DefaultHttpHeaders h = new DefaultHttpHeaders();
        h.set("Host", "examplebucket.s3.amazonaws.com").set("Range", "bytes=0-9")
                .set("x-amz-content-sha256", SigV4.EMPTY_SHA256).set("x-amz-date", "20130524T000000Z")
                .set("Authorization", "AWS4-HMAC-SHA256 Credential=" + SCOPE + ",SignedHeaders=host;range;x-amz-content-sha256;"
                        + "x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
        S3Request req = new S3Request("GET", "/test.txt", "", Uri.parseQuery(""), h, "examplebucket", "test.txt");
        AuthResult r = new SigV4Verifier(KEYS, THEN, Duration.ofMinutes(15)).verify(req);
        assertThat(r.key().user()).isEqualTo("example");
        SigV4Verifier late = new SigV4Verifier(KEYS, Clock.offset(THEN, Duration.ofMinutes(16)), Duration.ofMinutes(15));
        assertThatThrownBy(() -> late.verify(req)).isInstanceOf(S3Exception.class).hasMessageContaining("differs");
        h.set("Range", "bytes=0-10");
        assertThatThrownBy(() -> new SigV4Verifier(KEYS, THEN, Duration.ofMinutes(15)).verify(req))
                .isInstanceOf(S3Exception.class).hasMessageContaining("signature");
    }

    @Test
    void chunkedUploadExample() throws Exception {
        DefaultHttpHeaders h = new DefaultHttpHeaders();
        h.set("Host", "s3.amazonaws.com").set("x-amz-date", "20130524T000000Z").set("x-amz-storage-class", "REDUCED_REDUNDANCY")
                .set("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD").set("Content-Encoding", "aws-chunked")
                .set("x-amz-decoded-content-length", "66560").set("Content-Length", "66824")
                .set("Authorization", "AWS4-HMAC-SHA256 Credential=" + SCOPE + ",SignedHeaders=content-encoding;content-length;"
                        + "host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,"
                        + "Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");
        S3Request req = new S3Request("PUT", "/examplebucket/chunkObject.txt", "", Uri.parseQuery(""), h, "examplebucket",
                "chunkObject.txt");
        AuthResult auth = new SigV4Verifier(KEYS, THEN, Duration.ofMinutes(15)).verify(req);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        chunk(body, 65536, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648");
        chunk(body, 1024, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497");
        chunk(body, 0, "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9");
        assertThat(body.size()).isEqualTo(66824);
        AwsChunkedStream s = new AwsChunkedStream(new ByteArrayInputStream(body.toByteArray()), auth, true, null);
        byte[] decoded = s.readAllBytes();
        assertThat(decoded).hasSize(66560).containsOnly((byte) 'a');

        byte[] forged = body.toByteArray();
        forged[100] = 'b';
        AwsChunkedStream bad = new AwsChunkedStream(new ByteArrayInputStream(forged), auth, true, null);
        assertThatThrownBy(bad::readAllBytes).isInstanceOf(S3Exception.class).hasMessageContaining("chunk signature");
    }

    private static void chunk(ByteArrayOutputStream out, int size, String sig) {
        out.writeBytes((Integer.toHexString(size) + ";chunk-signature=" + sig + "\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] data = new byte[size];
        java.util.Arrays.fill(data, (byte) 'a');
        out.writeBytes(data);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
}
