package dev.cistern.s3.op.object;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Known-answer checks of the checksums in S3's wire form. */
class DigestsTest {
    @Test
    void crc64NvmeCheckValue() {
        Crc64Nvme c = new Crc64Nvme();
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        c.update(b, 0, b.length);
        assertThat(c.getValue()).isEqualTo(0xAE8B14860A799888L);
    }

    @Test
    void wireFormsAreBase64OfBigEndianValues() {
        Digests d = new Digests(List.of("crc32", "crc32c", "sha256"));
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        d.update(b, 0, b.length);
        assertThat(Digests.hex(d.md5())).isEqualTo("25f9e794323b453885f5181f1b624d0b");
        Map<String, String> sums = d.checksums();
        assertThat(sums.get("crc32")).isEqualTo("y/Q5Jg=="); // 0xCBF43926
        assertThat(sums.get("crc32c")).isEqualTo("4waSgw=="); // 0xE3069283
        assertThat(sums.get("sha256")).isEqualTo("FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU=");
    }
}
