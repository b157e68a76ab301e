package dev.cistern.iscsi.scsi;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Sense data bytes (SPC-4 4.5): current and deferred errors in both formats. */
class SenseTest {
    private static final Sense NO_SPACE = new Sense(Sense.DATA_PROTECT, 0x27, 0x07);

    @Test
    void aCurrentErrorIs70hFixedAnd72hDescriptor() {
        byte[] fixed = NO_SPACE.encode(false);
        assertThat(fixed).hasSize(18);
        assertThat(fixed[0]).isEqualTo((byte) 0x70); // VALID 0: no INFORMATION
        assertThat(new int[]{fixed[2], fixed[7], fixed[12], fixed[13]}).containsExactly(0x07, 10, 0x27, 0x07);
        byte[] desc = NO_SPACE.encode(true);
        assertThat(desc).containsExactly(0x72, 0x07, 0x27, 0x07, 0, 0, 0, 0);
    }

    @Test
    void aDeferredErrorIs71hFixedWithItsInformationValid() {
        Sense s = NO_SPACE.asDeferred().withInformation(3);
        assertThat(s.deferred()).isTrue();
        assertThat(s).isNotEqualTo(NO_SPACE.withInformation(3));
        byte[] b = s.encode(false);
        assertThat(b[0]).isEqualTo((byte) 0xf1); // VALID | 71h
        assertThat(b[2]).isEqualTo((byte) 0x07);
        assertThat(Bytes.u32(b, 3)).isEqualTo(3);
        assertThat(new int[]{b[7], b[12], b[13]}).containsExactly(10, 0x27, 0x07);
        assertThat(NO_SPACE.asDeferred().encode(false)[0]).isEqualTo((byte) 0x71); // no INFORMATION: VALID 0
    }

    @Test
    void aDeferredErrorIs73hDescriptorWithAnInformationDescriptor() {
        byte[] b = NO_SPACE.asDeferred().withInformation(300_000).encode(true);
        assertThat(b).hasSize(8 + 12);
        assertThat(new int[]{b[0], b[1], b[2], b[3], b[7]}).containsExactly(0x73, 0x07, 0x27, 0x07, 12);
        assertThat(new int[]{b[8], b[9], b[10] & 0xff}).containsExactly(0x00, 0x0a, 0x80); // information, VALID
        assertThat(Bytes.u64(b, 12)).isEqualTo(300_000);
    }

    @Test
    void streamBitsGoWithADeferredErrorInBothFormats() {
        Sense s = new Sense(Sense.MEDIUM_ERROR, 0x0c, 0x00, 2L, Sense.EOM).asDeferred();
        assertThat(s.encode(false)[2]).isEqualTo((byte) (Sense.EOM | Sense.MEDIUM_ERROR));
        byte[] d = s.encode(true);
        assertThat(d[0]).isEqualTo((byte) 0x73);
        assertThat(new int[]{d[20], d[21], d[23]}).containsExactly(0x04, 0x02, Sense.EOM);
    }

    @Test
    void aProgressIndicationIsSksvWithTheFractionInFixedBytes15To17() {
        Sense s = new Sense(Sense.NOT_READY, 0x04, 0x1b).withProgress(0xabcd);
        assertThat(s.progress()).isEqualTo(0xabcd);
        byte[] b = s.encode(false);
        assertThat(b).hasSize(18);
        assertThat(b[0]).isEqualTo((byte) 0x70); // no INFORMATION: VALID 0
        assertThat(new int[]{b[2], b[7], b[12], b[13]}).containsExactly(Sense.NOT_READY, 10, 0x04, 0x1b);
        assertThat(new int[]{b[15] & 0xff, b[16] & 0xff, b[17] & 0xff}).containsExactly(0x80, 0xab, 0xcd);
        assertThat(new Sense(Sense.NOT_READY, 0x04, 0x1b).encode(false)[15]).isZero(); // SKSV 0 without one
        assertThat(new Sense(Sense.NOT_READY, 0x04, 0x1b).progress()).isEqualTo(-1);
    }

    @Test
    void aProgressIndicationIsASenseKeySpecificDescriptorInDescriptorFormat() {
        byte[] b = new Sense(Sense.NOT_READY, 0x04, 0x1b).withProgress(0x0102).encode(true);
        assertThat(b).containsExactly(0x72, 0x02, 0x04, 0x1b, 0, 0, 0, 8,
                0x02, 0x06, 0, 0, 0x80, 0x01, 0x02, 0);
    }

    @Test
    void informationSenseKeySpecificAndStreamDescriptorsFollowEachOther() {
        Sense s = new Sense(Sense.MEDIUM_ERROR, 0x0c, 0x00, 7L, Sense.EOM).withProgress(5).asDeferred();
        byte[] d = s.encode(true);
        assertThat(d).hasSize(8 + 12 + 8 + 4);
        assertThat(d[7]).isEqualTo((byte) 24);
        assertThat(new int[]{d[8], d[9], Bytes.u16(d, 18)}).containsExactly(0x00, 0x0a, 7);
        assertThat(new int[]{d[20], d[21], d[24] & 0xff, Bytes.u16(d, 25)}).containsExactly(0x02, 0x06, 0x80, 5);
        assertThat(new int[]{d[28], d[29], d[31]}).containsExactly(0x04, 0x02, Sense.EOM);
        byte[] f = s.encode(false);
        assertThat(new int[]{f[0] & 0xff, f[2], (int) Bytes.u32(f, 3), f[15] & 0xff, Bytes.u16(f, 16)})
                .containsExactly(0xf1, Sense.EOM | Sense.MEDIUM_ERROR, 7, 0x80, 5);
    }

    @Test
    void aProgressIndicationOutsideSixteenBitsIsRefused() {
        Sense s = new Sense(Sense.NOT_READY, 0x04, 0x1b);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.withProgress(65536))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.withProgress(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Fixed format has four bytes of INFORMATION: a value that does not fit (gigabytes of lost buffered
     * tape writes, an LBA past 2^32) is reported with VALID 0, not cut to its low four bytes with VALID 1;
     * descriptor format carries it whole. A negative residue still fits, as two's complement.
     */
    @Test
    void anInformationTooLargeForFixedFormatIsNotValidThereAndWholeInDescriptorFormat() {
        Sense big = NO_SPACE.asDeferred().withInformation(5_000_000_000L);
        byte[] fixed = big.encode(false);
        assertThat(fixed[0]).as("deferred, VALID 0").isEqualTo((byte) 0x71);
        assertThat(Bytes.u32(fixed, 3)).isZero();
        byte[] desc = big.encode(true);
        assertThat(Bytes.u64(desc, 12)).isEqualTo(5_000_000_000L);
        byte[] max = NO_SPACE.withInformation(0xffffffffL).encode(false);
        assertThat(max[0]).isEqualTo((byte) 0xf0);
        assertThat(Bytes.u32(max, 3)).isEqualTo(0xffffffffL);
        byte[] negative = NO_SPACE.withInformation(-3).encode(false);
        assertThat(negative[0]).isEqualTo((byte) 0xf0);
        assertThat(Bytes.u32(negative, 3)).isEqualTo(0xfffffffdL);
    }
}
