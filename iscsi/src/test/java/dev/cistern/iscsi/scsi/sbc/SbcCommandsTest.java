package dev.cistern.iscsi.scsi.sbc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.ScsiFixture;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.ScsiStatus;
import dev.cistern.iscsi.scsi.Sense;
import org.junit.jupiter.api.Test;

import static dev.cistern.iscsi.scsi.ScsiFixture.cdb;
import static dev.cistern.iscsi.scsi.ScsiFixture.filled;
import static dev.cistern.iscsi.scsi.ScsiFixture.rw10;
import static dev.cistern.iscsi.scsi.ScsiFixture.rw16;
import static org.assertj.core.api.Assertions.assertThat;

class SbcCommandsTest {
    private final ScsiFixture f = new ScsiFixture(2048, false);

    private static void assertSense(ScsiResponse r, int key, int asc) {
        assertThat(r.status()).isEqualTo(ScsiStatus.CHECK_CONDITION);
        assertThat(r.sense().key()).isEqualTo(key);
        assertThat(r.sense().asc()).isEqualTo(asc);
    }

    @Test
    void readCapacityReportsSizeAndThinProvisioning() {
        byte[] rc10 = f.run(cdb(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0)).dataIn();
        assertThat(Bytes.u32(rc10, 0)).isEqualTo(2047);
        assertThat(Bytes.u32(rc10, 4)).isEqualTo(512);
        byte[] rc16 = f.run(cdb(0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0)).dataIn();
        assertThat(rc16).hasSize(32);
        assertThat(Bytes.u64(rc16, 0)).isEqualTo(2047);
        assertThat(rc16[14] & 0xc0).isEqualTo(0xc0); // LBPME, LBPRZ
    }

    @Test
    void writtenDataReadsBackAndFuaIsDurable() {
        byte[] data = filled(1024, 0x5a);
        assertThat(f.run(rw16(0x8a, 10, 2, 0x08), data).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(f.volume.durableWrites.get()).isEqualTo(1);
        assertThat(f.run(rw16(0x88, 10, 2, 0)).dataIn()).isEqualTo(data);
        assertThat(f.run(rw10(0x28, 9, 1)).dataIn()).isEqualTo(new byte[512]);
    }

    @Test
    void rangesBeyondTheEndAreLbaOutOfRange() {
        assertSense(f.run(rw10(0x28, 2047, 2)), Sense.ILLEGAL_REQUEST, 0x21);
        assertSense(f.run(rw16(0x88, -1L, 1, 0)), Sense.ILLEGAL_REQUEST, 0x21);
        assertSense(f.run(rw16(0x8a, 2048, 1, 0), new byte[512]), Sense.ILLEGAL_REQUEST, 0x21);
        assertThat(f.run(rw10(0x28, 2048, 0)).status()).isEqualTo(ScsiStatus.GOOD); // 0 blocks at the end
    }

    @Test
    void protectionInformationIsRefusedAndUnknownOpcodesAreInvalid() {
        assertSense(f.run(rw16(0x88, 0, 1, 0x20)), Sense.ILLEGAL_REQUEST, 0x24);
        assertSense(f.run(cdb(0xc0, 0, 0, 0, 0, 0)), Sense.ILLEGAL_REQUEST, 0x20);
    }

    @Test
    void readOnlyVolumeIsWriteProtected() {
        ScsiFixture ro = new ScsiFixture(64, true);
        assertSense(ro.run(rw10(0x2a, 0, 1), new byte[512]), Sense.DATA_PROTECT, 0x27);
        byte[] ms = ro.run(cdb(0x1a, 0, 0x3f, 0, 255, 0)).dataIn();
        assertThat(ms[2] & 0x80).isEqualTo(0x80); // WP in the mode parameter header
    }

    @Test
    void compareAndWriteWritesOnlyOnMatchAndReportsTheMiscompareOffset() {
        f.run(rw10(0x2a, 0, 1), filled(512, 'A'));
        byte[] both = new byte[1024];
        System.arraycopy(filled(512, 'A'), 0, both, 0, 512);
        System.arraycopy(filled(512, 'B'), 0, both, 512, 512);
        byte[] caw = new byte[16];
        caw[0] = (byte) 0x89;
        caw[13] = 1;
        assertThat(f.run(caw, both).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(f.run(rw10(0x28, 0, 1)).dataIn()).isEqualTo(filled(512, 'B'));
        both[100] = 'A'; // compare data now differs from the medium ('B') at every byte; first is 0
        ScsiResponse miss = f.run(caw, both);
        assertSense(miss, Sense.MISCOMPARE, 0x1d);
        assertThat(miss.sense().information()).isEqualTo(0L);
        assertThat(f.run(rw10(0x28, 0, 1)).dataIn()).isEqualTo(filled(512, 'B'));
    }

    @Test
    void unmapAndWriteSameDeallocateAndGetLbaStatusSeesIt() {
        f.run(rw10(0x2a, 0, 64), filled(64 * 512, 7));
        byte[] param = new byte[24];
        Bytes.putShort(param, 0, 22);
        Bytes.putShort(param, 2, 16);
        Bytes.putLong(param, 8, 32);
        Bytes.putInt(param, 16, 32);
        assertThat(f.run(cdb(0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0), param).status()).isEqualTo(ScsiStatus.GOOD);
        byte[] st = f.run(cdb(0x9e, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)).dataIn();
        assertThat(Bytes.u64(st, 8)).isZero();
        assertThat(Bytes.u32(st, 16)).isEqualTo(32); // first 32 blocks mapped
        assertThat(st[20]).isZero();
        assertThat(Bytes.u64(st, 24)).isEqualTo(32);
        assertThat(st[36]).isEqualTo((byte) 1); // then deallocated
        assertThat(f.run(rw10(0x28, 32, 1)).dataIn()).isEqualTo(new byte[512]);

        byte[] ws = rw16(0x93, 0, 32, 0x08);
        assertThat(f.run(ws, filled(512, 0)).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(f.volume.extents(0, 16384).getFirst().mapped()).isFalse();
        byte[] ws10 = cdb(0x41, 0, 0, 0, 0, 100, 0, 0, 3, 0);
        assertThat(f.run(ws10, filled(512, 9)).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(f.run(rw10(0x28, 100, 3)).dataIn()).isEqualTo(filled(1536, 9));
    }

    @Test
    void writeSameWithTheUnmapBitStillWritesANonZeroBlock() {
        // the UNMAP bit permits deallocation, but reads must return the block sent: 0xAA read back as zeros
        for (byte[] ws : new byte[][]{rw16(0x93, 64, 8, 0x08), cdb(0x41, 0x08, 0, 0, 0, 64, 0, 0, 8, 0)}) {
            assertThat(f.run(ws, filled(512, 0xaa)).status()).isEqualTo(ScsiStatus.GOOD);
            assertThat(f.run(rw10(0x28, 64, 8)).dataIn()).isEqualTo(filled(8 * 512, 0xaa));
            f.run(rw10(0x2a, 64, 8), filled(8 * 512, 1));
        }
        assertThat(f.run(rw16(0x93, 64, 8, 0x08), filled(512, 0)).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(f.run(rw10(0x28, 64, 8)).dataIn()).isEqualTo(new byte[8 * 512]);
    }

    @Test
    void verifyWithByteCheckComparesAgainstTheMedium() {
        f.run(rw10(0x2a, 5, 1), filled(512, 3));
        byte[] v = rw10(0x2f, 5, 1);
        v[1] = 0x02;
        assertThat(f.run(v, filled(512, 3)).status()).isEqualTo(ScsiStatus.GOOD);
        assertSense(f.run(v, filled(512, 4)), Sense.MISCOMPARE, 0x1d);
    }

    @Test
    void synchronizeCacheFlushesTheVolume() {
        assertThat(f.run(cdb(0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0)).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(f.volume.flushes.get()).isEqualTo(1);
    }

    @Test
    void blockLimitsVpdFollowsTheAllocationUnit() {
        byte[] b0 = f.run(cdb(0x12, 1, 0xb0, 0, 255, 0)).dataIn();
        assertThat(Bytes.u32(b0, 28)).isEqualTo(32); // 16 KiB unit / 512-byte blocks
        assertThat(b0[5] & 0xff).isEqualTo(BlockVpd.MAX_COMPARE_AND_WRITE_BLOCKS);
    }

    @Test
    void extendedCopyCopiesWithinTheUnitAndReportsItsStatus() {
        f.run(rw10(0x2a, 0, 4), filled(2048, 0x42));
        byte[] naa = java.util.Arrays.copyOfRange(f.run(cdb(0x12, 1, 0x83, 0, 255, 0)).dataIn(), 8, 24);
        byte[] p = new byte[16 + 32 + 28];
        p[0] = 7; // list id
        Bytes.putShort(p, 2, 32);
        Bytes.putInt(p, 8, 28);
        p[16] = (byte) 0xe4;
        p[20] = 0x01;
        p[21] = 0x03;
        p[23] = 16;
        System.arraycopy(naa, 0, p, 24, 16);
        p[47] = 0; // block size 512 in bytes 45-47 of the descriptor (offset 29-31)
        Bytes.putShort(p, 44, 512);
        int seg = 48;
        p[seg] = 0x02;
        Bytes.putShort(p, seg + 2, 24);
        Bytes.putShort(p, seg + 10, 4);
        Bytes.putLong(p, seg + 12, 0);
        Bytes.putLong(p, seg + 20, 1000);
        byte[] xcopy = new byte[16];
        xcopy[0] = (byte) 0x83;
        Bytes.putInt(xcopy, 10, p.length);
        assertThat(f.run(xcopy, p).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(f.run(rw10(0x28, 1000, 4)).dataIn()).isEqualTo(filled(2048, 0x42));
        byte[] status = f.run(cdb(0x84, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)).dataIn();
        assertThat(status[4]).isEqualTo((byte) 1);
        assertThat(Bytes.u32(status, 8)).isEqualTo(2048);
        naa[3] ^= 1; // another unit: not reachable from here
        System.arraycopy(naa, 0, p, 24, 16);
        assertSense(f.run(xcopy, p), 0x0a, 0x0d);
    }

    @Test
    void aWriteWhoseDataEndsInsideABlockWritesNothing() {
        // iSCSI EDTL of 768 bytes for a 2-block WRITE: the first block was written, the half block dropped,
        // and GOOD with an overflow residual of 256 told the initiator 768 bytes had gone to the medium
        ScsiResponse r = f.run(rw10(0x2a, 4, 2), filled(768, 0x6b));
        assertSense(r, Sense.ILLEGAL_REQUEST, 0x0e);
        assertThat(r.sense().ascq()).isEqualTo(0x03); // INVALID FIELD IN COMMAND INFORMATION UNIT
        assertThat(r.dataOutWanted()).as("the transport reports the overflow residual").isEqualTo(1024);
        byte[] back = f.run(ScsiFixture.A, rw10(0x28, 4, 2), null, 1024).dataIn();
        assertThat(back).as("nothing written").containsOnly(0);
    }

    @Test
    void aWriteWithFewerWholeBlocksThanTheCdbWritesThoseUnderAnOverflowResidual() {
        // RFC 7143 11.4.5.1 overflow, as libiscsi's Write10Residuals expects: 1 block of 2 sent
        ScsiResponse r = f.run(rw10(0x2a, 8, 2), filled(512, 0x6c));
        assertThat(r.status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(r.dataOutWanted()).isEqualTo(1024);
        byte[] back = f.run(ScsiFixture.A, rw10(0x28, 8, 2), null, 1024).dataIn();
        assertThat(java.util.Arrays.copyOfRange(back, 0, 512)).containsOnly(0x6c);
        assertThat(java.util.Arrays.copyOfRange(back, 512, 1024)).containsOnly(0);
    }
}
