package dev.cistern.engine.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.engine.ChunkingSpec;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Keyed chunk ids and the keyed gear table, against the JDK's HMAC directly. */
class ChunkIdsTest {
    private static final byte[] KEY = new byte[32];

    static {
        new Random(1).nextBytes(KEY);
    }

    @Test
    void aKeyedIdIsHmacOfTheSha256AndTheBatchAgreesWithOneByOne() throws Exception {
        byte[] buf = new byte[200_000];
        new Random(2).nextBytes(buf);
        int n = 40;
        int[] off = new int[n];
        int[] len = new int[n];
        for (int i = 0, at = 0; i < n; i++) {
            off[i] = at;
            len[i] = 1000 + 97 * i;
            at += len[i];
        }
        ChunkIds keyed = ChunkIds.keyed(KEY);
        Fingerprint[] batch = new Fingerprint[n];
        keyed.ofAll(buf, off, len, 0, n, batch);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        for (int i = 0; i < n; i++) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(buf, off[i], len[i]);
            byte[] expected = mac.doFinal(md.digest());
            assertThat(batch[i].bytes()).as("chunk " + i).isEqualTo(expected);
            assertThat(keyed.of(Fingerprint.digest(), buf, off[i], len[i])).isEqualTo(batch[i]);
            assertThat(ChunkIds.PLAIN.of(Fingerprint.digest(), buf, off[i], len[i]))
                    .isEqualTo(Fingerprint.of(buf, off[i], len[i])).isNotEqualTo(batch[i]);
        }
    }

    @Test
    void theKeyedGearTableDependsOnTheKeyAndNotOnAnythingElse() {
        byte[] other = KEY.clone();
        other[31] ^= 1;
        long[] a = FastCdc.keyedGear(KEY);
        assertThat(a).hasSize(256).isEqualTo(FastCdc.keyedGear(KEY));
        assertThat(a).isNotEqualTo(FastCdc.keyedGear(other)).isNotEqualTo(FastCdc.gearTable());
        assertThat(Arrays.stream(a).distinct().count()).isEqualTo(256);

        byte[] data = new byte[1 << 20];
        new Random(3).nextBytes(data);
        FastCdc keyed = new FastCdc(ChunkingSpec.DEFAULT, a);
        FastCdc plain = new FastCdc(ChunkingSpec.DEFAULT);
        assertThat(keyed.next(data, 0, data.length, true)).isNotEqualTo(plain.next(data, 0, data.length, true));
        for (int pos = 0; pos < data.length; ) {
            int cut = keyed.next(data, pos, data.length - pos, true);
            if (pos + cut < data.length) assertThat(keyed.cutsAt(data, pos, cut)).as("cut at " + pos).isTrue();
            pos += cut;
        }
    }
}
