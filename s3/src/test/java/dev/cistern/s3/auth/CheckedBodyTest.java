package dev.cistern.s3.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.s3.S3Exception;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A body check must see every byte however the body is consumed: read, single-byte read or skip. */
class CheckedBodyTest {
    private static final byte[] BODY = "a body of forty-two bytes, give or take..".getBytes(StandardCharsets.US_ASCII);

    private static String sha256(byte[] b) {
        return SigV4.hex(SigV4.sha256().digest(b));
    }

    @Test
    void aSkippedPartIsStillHashed() throws IOException {
        InputStream in = new PayloadDecoder.Sha256Check(new ByteArrayInputStream(BODY), sha256(BODY));
        assertThat(in.skip(10)).isEqualTo(10);
        assertThat(in.read()).isEqualTo(BODY[10]);
        assertThat(in.readAllBytes()).hasSize(BODY.length - 11); // ends without a mismatch
    }

    @Test
    void aWrongHashIsRefusedAtTheEndEvenWhenSkippedThrough() {
        InputStream in = new PayloadDecoder.Sha256Check(new ByteArrayInputStream(BODY), sha256(new byte[1]));
        assertThatThrownBy(() -> {
            in.skip(BODY.length);
            in.read();
        }).isInstanceOf(S3Exception.class).hasMessageContaining("does not match");
    }

    @Test
    void aShortBodyIsRefusedWhenSkippedToItsEnd() {
        InputStream in = new PayloadDecoder.LengthCheck(new ByteArrayInputStream(BODY), BODY.length + 5L);
        assertThatThrownBy(() -> {
            in.skip(BODY.length);
            in.read();
        }).isInstanceOf(S3Exception.class).hasMessageContaining("declared length");
    }
}
