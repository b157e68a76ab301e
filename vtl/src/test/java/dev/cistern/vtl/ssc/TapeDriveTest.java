package dev.cistern.vtl.ssc;

import static dev.cistern.vtl.VtlFixture.run;
import static dev.cistern.vtl.ssc.Cdbs.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.ScsiStatus;
import dev.cistern.iscsi.scsi.Sense;
import dev.cistern.vtl.TapeLibraries;
import dev.cistern.vtl.VtlFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SSC-3 drive model, socket-free: stream commands, their sense and positions. */
class TapeDriveTest {
    @TempDir
    Path dir;
    VtlFixture f;

    @BeforeEach
    void setUp() {
        f = new VtlFixture(dir);
        TapeLibraries.addCartridge(f.engine, f.library, "CST001L5", 256L * 1024 * 1024);
        TapeLibraries.moveCartridge(f.engine, f.library, "CST001L5", 0x100);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private static void good(ScsiResponse r) {
        assertThat(r.status()).as("status, sense %s", r.sense()).isEqualTo(ScsiStatus.GOOD);
    }

    private static void sense(ScsiResponse r, int key, int asc, int ascq, int bits, Long info) {
        assertThat(r.status()).isEqualTo(ScsiStatus.CHECK_CONDITION);
        assertThat(r.sense()).isEqualTo(new Sense(key, asc, ascq, info, bits));
    }

    private long position() {
        return Bytes.u64(readPosition(f.drive1, 6).dataIn(), 8);
    }

    /** Three files: 3 variable blocks, 4 fixed blocks of 1024, 1 variable block; each ended by a filemark. */
    private void writeThreeFiles() {
        for (int i = 0; i < 3; i++) good(write(f.drive1, false, 1000 + i, pattern(i, 1000 + i)));
        good(filemarks(f.drive1, 1));
        good(setBlockSize(f.drive1, 1024));
        good(write(f.drive1, true, 4, pattern(10, 4096)));
        good(filemarks(f.drive1, 1));
        good(setBlockSize(f.drive1, 0));
        good(write(f.drive1, false, 70_000, pattern(20, 70_000)));
        good(filemarks(f.drive1, 1));
    }

    @Test
    void writesReadsBackAndReportsFilemarksAndEndOfData() {
        good(run(f.drive1, 0x00, 0, 0, 0, 0, 0));
        writeThreeFiles();
        assertThat(position()).isEqualTo(11);
        good(rewind(f.drive1));
        assertThat(readPosition(f.drive1, 0).dataIn()[0] & 0x80).isEqualTo(0x80); // BOP
        ScsiResponse r = read(f.drive1, false, false, 1000);
        good(r);
        assertThat(r.dataIn()).isEqualTo(pattern(0, 1000));
        // short block without SILI: ILI, residue = requested - actual
        r = read(f.drive1, false, false, 5000);
        sense(r, Sense.NO_SENSE, 0, 0, Sense.ILI, 5000L - 1001);
        assertThat(r.dataIn()).isEqualTo(pattern(1, 1001));
        // overlength block: ILI, negative residue, data cut to the request
        r = read(f.drive1, false, false, 1000);
        sense(r, Sense.NO_SENSE, 0, 0, Sense.ILI, -2L);
        assertThat(r.dataIn()).hasSize(1000);
        // the filemark: FILEMARK, residue = whole request, position after it
        r = read(f.drive1, false, true, 5000);
        sense(r, Sense.NO_SENSE, 0, 1, Sense.FILEMARK, 5000L);
        assertThat(position()).isEqualTo(4);
        // fixed mode: 4 blocks of 1024, then a filemark after 4 of 6 requested blocks
        good(setBlockSize(f.drive1, 1024));
        r = read(f.drive1, true, false, 6);
        sense(r, Sense.NO_SENSE, 0, 1, Sense.FILEMARK, 2L);
        assertThat(r.dataIn()).isEqualTo(pattern(10, 4096));
        good(setBlockSize(f.drive1, 0));
        r = read(f.drive1, false, true, 100_000);
        good(r);
        assertThat(r.dataIn()).isEqualTo(pattern(20, 70_000));
        sense(read(f.drive1, false, false, 10), Sense.NO_SENSE, 0, 1, Sense.FILEMARK, 10L);
        sense(read(f.drive1, false, false, 10), Sense.BLANK_CHECK, 0, 5, 0, 10L);
        assertThat(position()).isEqualTo(11);
    }

    @Test
    void spacesByBlocksFilemarksAndEndOfData() {
        writeThreeFiles();
        good(rewind(f.drive1));
        good(space(f.drive1, 1, 2)); // past the second filemark
        assertThat(position()).isEqualTo(9);
        assertThat(Bytes.u64(readPosition(f.drive1, 6).dataIn(), 16)).isEqualTo(2); // file number
        good(space(f.drive1, 1, -1)); // back onto the BOP side of filemark 2
        assertThat(position()).isEqualTo(8);
        sense(space(f.drive1, 0, -5), Sense.NO_SENSE, 0, 1, Sense.FILEMARK, -1L); // 4 blocks, then filemark 1
        assertThat(position()).isEqualTo(3);
        good(space(f.drive1, 0, -3));
        assertThat(position()).isEqualTo(0);
        sense(space(f.drive1, 0, -1), Sense.NO_SENSE, 0, 4, Sense.EOM, -1L);
        sense(space(f.drive1, 0, 5), Sense.NO_SENSE, 0, 1, Sense.FILEMARK, 2L);
        assertThat(position()).isEqualTo(4);
        sense(space(f.drive1, 1, 5), Sense.BLANK_CHECK, 0, 5, 0, 3L);
        assertThat(position()).isEqualTo(11);
        good(rewind(f.drive1));
        good(space16(f.drive1, 3, 0));
        assertThat(position()).isEqualTo(11);
        good(space16(f.drive1, 1, -3));
        assertThat(position()).isEqualTo(3);
        sense(space(f.drive1, 1, -2), Sense.NO_SENSE, 0, 4, Sense.EOM, -2L);
        assertThat(position()).isZero();
    }

    @Test
    void locatesByObjectAndFileAndOverwritesFromTheMiddle() {
        writeThreeFiles();
        good(locate10(f.drive1, 5));
        assertThat(Bytes.u32(readPosition(f.drive1, 0).dataIn(), 4)).isEqualTo(5);
        good(locate16(f.drive1, 1, 2)); // start of file 2
        assertThat(position()).isEqualTo(9);
        good(locate16(f.drive1, 3, 0));
        assertThat(position()).isEqualTo(11);
        sense(locate10(f.drive1, 50), Sense.BLANK_CHECK, 0, 5, 0, 0L);
        good(locate10(f.drive1, 4));
        good(write(f.drive1, false, 10, pattern(99, 10))); // truncates files 2 and 3
        good(filemarks(f.drive1, 1));
        good(rewind(f.drive1));
        sense(space(f.drive1, 1, 3), Sense.BLANK_CHECK, 0, 5, 0, 1L);
        assertThat(position()).isEqualTo(6);
        good(locate10(f.drive1, 4));
        ScsiResponse r = read(f.drive1, false, false, 10);
        good(r);
        assertThat(r.dataIn()).isEqualTo(pattern(99, 10));
    }

    @Test
    void writeProtectEarlyWarningAndVolumeOverflow() {
        TapeLibraries.addCartridge(f.engine, f.library, "SMALL1L5", 256 * 1024);
        TapeLibraries.moveCartridge(f.engine, f.library, "SMALL1L5", 0x101);
        for (int i = 0; i < 3; i++) good(write(f.drive2, false, 80_000, pattern(i, 80_000)));
        // 240,000 of 262,144 bytes: past early warning (1/32 before the end) is not yet reached
        ScsiResponse r = write(f.drive2, false, 16_000, pattern(5, 16_000));
        sense(r, Sense.NO_SENSE, 0, 2, Sense.EOM, 0L); // 256,000 >= 253,952: early warning, written
        sense(write(f.drive2, false, 16_000, pattern(6, 16_000)), Sense.VOLUME_OVERFLOW, 0, 2, Sense.EOM, 16_000L);
        good(rewind(f.drive2));
        good(space(f.drive2, 3, 0));
        assertThat(Bytes.u64(readPosition(f.drive2, 6).dataIn(), 8)).isEqualTo(4);
        good(run(f.drive2, 0x1b, 0, 0, 0, 0, 0)); // unload
        sense(run(f.drive2, 0x00, 0, 0, 0, 0, 0), Sense.NOT_READY, 0x3a, 0, 0, null);
        TapeLibraries.moveCartridge(f.engine, f.library, "SMALL1L5", 0x1001);
        TapeLibraries.setWriteProtected(f.engine, f.library, "SMALL1L5", true);
        TapeLibraries.moveCartridge(f.engine, f.library, "SMALL1L5", 0x101);
        sense(write(f.drive2, false, 10, pattern(1, 10)), Sense.DATA_PROTECT, 0x27, 0, 0, null);
        assertThat(run(f.drive2, 0x1a, 0, 0, 0, 255, 0).dataIn()[2] & 0x80).isEqualTo(0x80); // WP in mode header
        r = read(f.drive2, false, false, 80_000);
        good(r);
        assertThat(r.dataIn()).isEqualTo(pattern(0, 80_000));
    }

    /**
     * Rewinding a cartridge filled past early warning and writing from BOP replaces its contents: the
     * capacity check counts the bytes left after the cut, not the old contents (it used to refuse with
     * VOLUME OVERFLOW), and at BOP neither READ POSITION nor REQUEST SENSE reports early warning.
     */
    @Test
    void aFullCartridgeRewoundIsWrittenFromTheStartAndIsNotPastEarlyWarningAtBop() {
        TapeLibraries.addCartridge(f.engine, f.library, "SMALL1L5", 256 * 1024);
        TapeLibraries.moveCartridge(f.engine, f.library, "SMALL1L5", 0x101);
        for (int i = 0; i < 3; i++) good(write(f.drive2, false, 80_000, pattern(i, 80_000)));
        sense(write(f.drive2, false, 16_000, pattern(5, 16_000)), Sense.NO_SENSE, 0, 2, Sense.EOM, 0L);
        sense(write(f.drive2, false, 16_000, pattern(6, 16_000)), Sense.VOLUME_OVERFLOW, 0, 2, Sense.EOM, 16_000L);
        assertThat(readPosition(f.drive2, 0).dataIn()[0] & 0x01).isEqualTo(0x01); // BPEW at end of data
        assertThat(readPosition(f.drive2, 6).dataIn()[0] & 0xff).isEqualTo(0x01); // long form: BPEW, not EOP
        good(rewind(f.drive2));
        assertThat(readPosition(f.drive2, 0).dataIn()[0] & 0xff).isEqualTo(0x80); // BOP, not BPEW
        assertThat(run(f.drive2, 0x03, 0, 0, 0, 18, 0).dataIn()[2] & Sense.EOM).isZero();
        // in the middle: the bytes after the position do not count either
        good(locate10(f.drive2, 3));
        sense(write(f.drive2, false, 20_000, pattern(7, 20_000)), Sense.NO_SENSE, 0, 2, Sense.EOM, 0L);
        good(rewind(f.drive2));
        good(write(f.drive2, false, 80_000, pattern(8, 80_000)));
        good(filemarks(f.drive2, 1));
        good(rewind(f.drive2));
        ScsiResponse r = read(f.drive2, false, false, 80_000);
        good(r);
        assertThat(r.dataIn()).isEqualTo(pattern(8, 80_000));
        sense(read(f.drive2, false, false, 10), Sense.NO_SENSE, 0, 1, Sense.FILEMARK, 10L);
        sense(read(f.drive2, false, false, 10), Sense.BLANK_CHECK, 0, 5, 0, 10L);
        assertThat(TapeLibraries.cartridge(f.engine, f.library, "SMALL1L5").usedBytes()).isEqualTo(80_000);
    }

    /**
     * SPACE(16) and LOCATE(16) take 64-bit counts and identifiers: the extreme ones stop at BOP or end of
     * data with the exact residue (the sums used to overflow, leaving a negative position or reporting
     * INVALID FIELD IN CDB).
     */
    @Test
    void spaceAndLocateWithExtremeCountsStopAtTheEnds() {
        for (int i = 0; i < 3; i++) good(write(f.drive1, false, 100, pattern(i, 100)));
        good(locate10(f.drive1, 1));
        sense(space16(f.drive1, 0, Long.MAX_VALUE), Sense.BLANK_CHECK, 0, 5, 0, Long.MAX_VALUE - 2);
        assertThat(position()).isEqualTo(3);
        good(locate10(f.drive1, 2));
        sense(space16(f.drive1, 0, Long.MIN_VALUE), Sense.NO_SENSE, 0, 4, Sense.EOM, Long.MIN_VALUE + 2);
        assertThat(position()).isZero();
        good(space16(f.drive1, 3, 0));
        good(filemarks(f.drive1, 2));
        good(write(f.drive1, false, 100, pattern(3, 100)));
        good(space16(f.drive1, 1, -2));
        assertThat(position()).isEqualTo(3);
        sense(space16(f.drive1, 1, Long.MAX_VALUE), Sense.BLANK_CHECK, 0, 5, 0, Long.MAX_VALUE - 2);
        assertThat(position()).isEqualTo(6);
        sense(space16(f.drive1, 1, Long.MIN_VALUE), Sense.NO_SENSE, 0, 4, Sense.EOM, Long.MIN_VALUE + 2);
        assertThat(position()).isZero();
        sense(locate16(f.drive1, 1, Long.MIN_VALUE + 5), Sense.BLANK_CHECK, 0, 5, 0, 0L);
        assertThat(position()).isEqualTo(6);
        good(rewind(f.drive1));
        ScsiResponse r = read(f.drive1, false, false, 100);
        good(r);
        assertThat(r.dataIn()).isEqualTo(pattern(0, 100));
    }

    /**
     * MODE SELECT's BUFFERED MODE: 0 (unbuffered) makes every acknowledged WRITE durable before GOOD, as
     * a host that selects it relies on; MODE SENSE reports what is in force; reserved values are refused
     * and change nothing. (The field used to be ignored: mode 0 was accepted and writes stayed buffered.)
     */
    @Test
    void unbufferedModeMakesEveryWriteDurable() {
        good(write(f.drive1, false, 1000, pattern(1, 1000)));
        assertThat(TapeLibraries.cartridge(f.engine, f.library, "CST001L5").usedBytes()).isZero(); // buffered
        good(run(f.drive1, 1 << 24, new byte[] {0, 0, 0x00, 0}, 0x15, 0x10, 0, 0, 4, 0));
        assertThat(run(f.drive1, 0x1a, 0x08, 0, 0, 255, 0).dataIn()[2] & 0x70).isZero();
        good(write(f.drive1, false, 2000, pattern(2, 2000)));
        assertThat(TapeLibraries.cartridge(f.engine, f.library, "CST001L5").usedBytes()).isEqualTo(3000);
        ScsiResponse bad = run(f.drive1, 1 << 24, new byte[] {0, 0, 0x30, 0}, 0x15, 0x10, 0, 0, 4, 0);
        assertThat(bad.status()).isEqualTo(ScsiStatus.CHECK_CONDITION);
        assertThat(bad.sense()).isEqualTo(new Sense(Sense.ILLEGAL_REQUEST, 0x26, 0));
        assertThat(run(f.drive1, 0x1a, 0x08, 0, 0, 255, 0).dataIn()[2] & 0x70).isZero();
        good(run(f.drive1, 1 << 24, new byte[] {0, 0, 0x10, 0}, 0x15, 0x10, 0, 0, 4, 0));
        assertThat(run(f.drive1, 0x1a, 0x08, 0, 0, 255, 0).dataIn()[2] & 0x70).isEqualTo(0x10);
    }

    @Test
    void contentsSurviveARestartOfTheEngine() {
        writeThreeFiles();
        f.close();
        f = new VtlFixture(dir, false);
        // the cartridge is still in drive 1, loaded at BOP
        assertThat(TapeLibraries.cartridge(f.engine, f.library, "CST001L5").location()).isEqualTo("drive");
        good(space(f.drive1, 1, 2));
        ScsiResponse r = read(f.drive1, false, false, 70_000);
        good(r);
        assertThat(r.dataIn()).isEqualTo(pattern(20, 70_000));
    }

    @Test
    void identityLimitsModeLogAndDensityPages() {
        ScsiResponse inq = run(f.drive1, 0x12, 0, 0, 0, 96, 0);
        assertThat(new String(inq.dataIn(), 8, 24)).isEqualTo("IBM     ULT3580-TD5     ");
        assertThat(inq.dataIn()[0]).isEqualTo((byte) 1);
        assertThat(inq.dataIn()[1] & 0x80).isEqualTo(0x80);
        byte[] serial = run(f.drive1, 0x12, 1, 0x80, 0, 64, 0).dataIn();
        assertThat(new String(serial, 4, serial[3])).isEqualTo(f.drive1.serial()).hasSize(10);
        assertThat(run(f.drive1, 0x12, 1, 0x83, 0, 255, 0).dataIn()[5]).isEqualTo((byte) 0x01); // T10 vendor id
        byte[] limits = run(f.drive1, 0x05, 0, 0, 0, 0, 0).dataIn();
        assertThat(Bytes.u24(limits, 1)).isEqualTo(8 * 1024 * 1024);
        byte[] ms = run(f.drive1, 0x1a, 0, 0x0f, 0, 255, 0).dataIn();
        assertThat(ms[3]).isEqualTo((byte) 8);
        assertThat(ms[4] & 0xff).isEqualTo(0x58); // LTO-5 density in the block descriptor
        assertThat(ms[12] & 0xff).isEqualTo(0x0f);
        assertThat(ms[14] & 0x80).isEqualTo(0x80); // DCE
        byte[] all = run(f.drive1, 0x5a, 0x08, 0x3f, 0, 0, 0, 0, 0x10, 0, 0).dataIn();
        assertThat(Bytes.u16(all, 0) + 2).isEqualTo(all.length).isEqualTo(8 + 12 + 16 + 16 + 10);
        byte[] alerts = run(f.drive1, 0x4d, 0, 0x2e, 0, 0, 0, 0, 0x10, 0, 0).dataIn();
        assertThat(Bytes.u16(alerts, 2)).isEqualTo(64 * 5);
        byte[] density = run(f.drive1, 0x44, 0, 0, 0, 0, 0, 0, 0x10, 0, 0).dataIn();
        assertThat(density[4] & 0xff).isEqualTo(0x58);
        assertThat(new String(density, 4 + 24, 8).trim()).isEqualTo("LTO-5");
    }

    /**
     * A second full backup over a used cartridge (remounted, rewound, written from BOP, largely the same
     * data) reads back as written. 64 KiB chunk containers make over a thousand container files, so the
     * engine's bounded cache of read channels evicts while parallel reads use them (the race this test
     * caught: a read on a channel closed by eviction was reported as a missing chunk).
     */
    @Test
    void overwritingALargeTapeFromTheStartReadsBackTheNewData() {
        f.close();
        f = new VtlFixture(dir.resolve("small-containers"), true, 64 * 1024);
        TapeLibraries.addCartridge(f.engine, f.library, "CST001L5", 256L * 1024 * 1024);
        TapeLibraries.moveCartridge(f.engine, f.library, "CST001L5", 0x100);
        int blocks = 300; // 75 MiB: past the engine's auto-flush, as a real backup is
        for (int round = 0; round < 2; round++) {
            good(rewind(f.drive1));
            for (int i = 0; i < blocks; i++) good(write(f.drive1, false, 256 * 1024, pattern(seed(round, i), 256 * 1024)));
            good(filemarks(f.drive1, 1));
            good(run(f.drive1, 0x1b, 0, 0, 0, 0, 0));
            TapeLibraries.moveCartridge(f.engine, f.library, "CST001L5", 0x1000);
            TapeLibraries.moveCartridge(f.engine, f.library, "CST001L5", 0x100);
        }
        for (int i = 0; i < blocks; i++) {
            ScsiResponse r = read(f.drive1, false, false, 256 * 1024);
            good(r);
            assertThat(r.dataIn()).as("block %d", i).isEqualTo(pattern(seed(1, i), 256 * 1024));
        }
        sense(read(f.drive1, false, false, 10), Sense.NO_SENSE, 0, 1, Sense.FILEMARK, 10L);
        sense(read(f.drive1, false, false, 10), Sense.BLANK_CHECK, 0, 5, 0, 10L);
    }

    /** Week 2: the first half repeats 7 blocks, the second half is week 1's data shifted by a few blocks. */
    private static int seed(int round, int i) {
        return round == 0 ? i : i < 150 ? i % 7 : i + 5;
    }
    /**
     * A WRITE the engine cannot store (here: the storage group's quota) fails with SPACE ALLOCATION
     * FAILED; the tape then holds what was durable before it, the position is its end of data, and
     * writing goes on from there once there is room: every block reads back where it was written.
     */
    @Test
    void aWriteTheEngineCannotStoreLeavesTheTapeWritableFromItsLastDurablePoint() {
        good(rewind(f.drive1));
        for (int i = 0; i < 4; i++) good(write(f.drive1, false, 100_000, pattern(i, 100_000)));
        good(filemarks(f.drive1, 1)); // durable: 4 blocks and a filemark
        f.engine.updateGroup("grp", null, f.engine.groupStats("grp").storedBytes() + 1_500_000);
        ScsiResponse failed = null;
        for (int i = 4; i < 300 && failed == null; i++) {
            ScsiResponse r = write(f.drive1, false, 100_000, pattern(i, 100_000));
            if (r.status() != ScsiStatus.GOOD) failed = r;
        }
        assertThat(failed).as("a write past the quota fails").isNotNull();
        assertThat(failed.sense().key()).isEqualTo(Sense.DATA_PROTECT);
        assertThat(failed.sense().asc()).isEqualTo(0x27);
        long kept = position();
        assertThat(kept).isGreaterThanOrEqualTo(5);
        f.engine.updateGroup("grp", null, 0L);
        for (int i = 0; i < 3; i++) good(write(f.drive1, false, 50_000, pattern(100 + i, 50_000)));
        good(filemarks(f.drive1, 1));
        assertThat(position()).isEqualTo(kept + 4);
        good(rewind(f.drive1));
        for (int i = 0; i < 4; i++) assertThat(read(f.drive1, false, true, 100_000).dataIn()).isEqualTo(pattern(i, 100_000));
        assertThat(read(f.drive1, false, true, 100_000).sense().streamBits() & Sense.FILEMARK).isNotZero();
        for (long i = 5; i < kept; i++) {
            assertThat(read(f.drive1, false, true, 100_000).dataIn()).as("block %d", i).isEqualTo(pattern((int) i - 1, 100_000));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(read(f.drive1, false, true, 50_000).dataIn()).isEqualTo(pattern(100 + i, 50_000));
        }
        assertThat(read(f.drive1, false, true, 50_000).sense().streamBits() & Sense.FILEMARK).isNotZero();
    }

    /**
     * Buffered mode 1 acknowledges a WRITE before its blocks are durable. When a later WRITE finds that
     * the engine could not store some of them (SPACE ALLOCATION FAILED under a lowered quota), it reports
     * a deferred error (71h) about them, INFORMATION the blocks lost in fixed-block mode and the bytes in
     * variable-block mode, and is itself not performed: the drive stands at the last durable block, and
     * writing goes on from there.
     */
    @Test
    void blocksAcknowledgedThenLostAreADeferredErrorCountingBytesInVariableMode() {
        loseAcknowledgedBlocks(0, 100_000);
    }

    @Test
    void blocksAcknowledgedThenLostAreADeferredErrorCountingBlocksInFixedMode() {
        loseAcknowledgedBlocks(10_000, 100_000);
    }

    private void loseAcknowledgedBlocks(int blockSize, int bytes) {
        good(rewind(f.drive1));
        good(setBlockSize(f.drive1, blockSize));
        boolean fixed = blockSize != 0;
        int len = fixed ? bytes / blockSize : bytes;
        for (int i = 0; i < 4; i++) good(write(f.drive1, fixed, len, pattern(i, bytes)));
        good(filemarks(f.drive1, 1)); // durable: 4 writes and a filemark
        long durable = position();
        f.engine.updateGroup("grp", null, f.engine.groupStats("grp").storedBytes() + 1_500_000);
        ScsiResponse failed = null;
        long acknowledged = durable;
        for (int i = 4; i < 300 && failed == null; i++) {
            ScsiResponse r = write(f.drive1, fixed, len, pattern(i, bytes));
            if (r.status() == ScsiStatus.GOOD) acknowledged = position();
            else failed = r;
        }
        assertThat(failed).as("a write past the quota fails").isNotNull();
        long kept = position();
        assertThat(kept).as("the failure dropped acknowledged blocks").isLessThan(acknowledged);
        long lost = fixed ? acknowledged - kept : (acknowledged - kept) * bytes; // blocks, or bytes
        Sense s = failed.sense();
        assertThat(s).isEqualTo(new Sense(Sense.DATA_PROTECT, 0x27, 0x07).asDeferred().withInformation(lost));
        byte[] fixedFormat = s.encode(false);
        assertThat(fixedFormat[0]).as("deferred, VALID").isEqualTo((byte) 0xf1);
        assertThat(Bytes.u32(fixedFormat, 3)).isEqualTo(lost);
        assertThat(s.encode(true)[0]).isEqualTo((byte) 0x73);

        f.engine.updateGroup("grp", null, 0L);
        good(write(f.drive1, fixed, len, pattern(100, bytes)));
        good(filemarks(f.drive1, 1));
        assertThat(position()).isEqualTo(kept + (fixed ? len : 1) + 1);
        good(locate10(f.drive1, kept));
        // SILI only in variable-block mode
        assertThat(read(f.drive1, fixed, !fixed, len).dataIn()).isEqualTo(pattern(100, bytes));
    }

    /** Unbuffered, every acknowledged WRITE is durable: a failing one loses only its own blocks, a current error. */
    @Test
    void aFailedWriteThatLosesOnlyItsOwnBlocksIsACurrentError() {
        good(run(f.drive1, 1 << 24, new byte[] {0, 0, 0x00, 0}, 0x15, 0x10, 0, 0, 4, 0)); // buffered mode 0
        good(rewind(f.drive1));
        f.engine.updateGroup("grp", null, f.engine.groupStats("grp").storedBytes() + 1_500_000);
        ScsiResponse failed = null;
        long acknowledged = 0;
        for (int i = 0; i < 300 && failed == null; i++) {
            ScsiResponse r = write(f.drive1, false, 100_000, pattern(i, 100_000));
            if (r.status() == ScsiStatus.GOOD) acknowledged = position();
            else failed = r;
        }
        assertThat(failed).isNotNull();
        assertThat(failed.sense()).isEqualTo(new Sense(Sense.DATA_PROTECT, 0x27, 0x07));
        assertThat(failed.sense().encode(false)[0]).isEqualTo((byte) 0x70);
        assertThat(position()).isEqualTo(acknowledged);
    }

    /** Writes {@code n} buffered blocks of 100,000 bytes after a durable filemark; returns the durable end. */
    private long bufferedBlocksOverADurableFile(int n) {
        good(rewind(f.drive1));
        good(write(f.drive1, false, 100_000, pattern(0, 100_000)));
        good(filemarks(f.drive1, 1));
        long durable = position();
        for (int i = 1; i <= n; i++) good(write(f.drive1, false, 100_000, pattern(i, 100_000)));
        return durable;
    }

    /** The engine refuses to store more: a flush of what the buffered WRITEs left in memory fails. */
    private void quotaReached() {
        f.engine.updateGroup("grp", null, f.engine.groupStats("grp").storedBytes() + 1);
    }

    /**
     * A SPACE whose flush finds acknowledged blocks lost reports the deferred error, and the drive then
     * stands at the tape's end of data: not past it, where no object is (READ POSITION would report a
     * block that does not exist, and a SPACE back would answer GOOD over blocks that are gone).
     */
    @Test
    void aPositioningCommandThatFindsBlocksLostLeavesTheDriveAtEndOfData() {
        long durable = bufferedBlocksOverADurableFile(3);
        quotaReached();
        ScsiResponse r = space(f.drive1, 0, -1);
        assertThat(r.status()).isEqualTo(ScsiStatus.CHECK_CONDITION);
        assertThat(r.sense().deferred()).isTrue();
        assertThat(r.sense().information()).isEqualTo(300_000L);
        assertThat(position()).isEqualTo(durable);
        f.engine.updateGroup("grp", null, 0L);
        // one block back from end of data is the filemark's near side: FILEMARK, not GOOD over lost blocks
        ScsiResponse back = space(f.drive1, 0, -1);
        assertThat(back.status()).isEqualTo(ScsiStatus.CHECK_CONDITION);
        assertThat(back.sense().streamBits() & Sense.FILEMARK).isNotZero();
    }

    /**
     * The changer's MOVE MEDIUM out of a drive flushes the cartridge; when that finds acknowledged blocks
     * lost, the MOVE fails and the cartridge stays, and the drive's next command reports the loss as a
     * deferred error, once, even though that command itself would succeed.
     */
    @Test
    void blocksLostWhileTheChangerUnloadsAreReportedByTheDrivesNextCommand() {
        bufferedBlocksOverADurableFile(2);
        quotaReached();
        ScsiResponse move = run(f.changer, 0xa5, 0, 0, 1, 0x01, 0x00, 0x10, 0x00, 0, 0, 0, 0);
        assertThat(move.status()).isEqualTo(ScsiStatus.CHECK_CONDITION);
        f.engine.updateGroup("grp", null, 0L);
        ScsiResponse next = run(f.drive1, 0x00, 0, 0, 0, 0, 0); // TEST UNIT READY
        assertThat(next.status()).isEqualTo(ScsiStatus.CHECK_CONDITION);
        assertThat(next.sense().deferred()).isTrue();
        assertThat(next.sense().information()).isEqualTo(200_000L);
        good(run(f.drive1, 0x00, 0, 0, 0, 0, 0)); // reported once
    }

    /**
     * The loss is counted in the mode its WRITEs were in, not the mode when it is reported: fixed-mode
     * WRITEs acknowledged, the quota lowered, then MODE SELECT to variable mode (it touches no data, so
     * it finds nothing lost and is performed); the SPACE whose flush finds the blocks lost reports them
     * as blocks, as written, not as bytes (SSC-3: INFORMATION counts in the units of the FIXED bit of the
     * WRITEs whose data was not written).
     */
    @Test
    void blocksLostAfterAChangeToVariableModeAreCountedInTheFixedBlocksTheyWereWrittenAs() {
        good(rewind(f.drive1));
        good(setBlockSize(f.drive1, 10_000));
        good(write(f.drive1, true, 1, pattern(0, 10_000)));
        good(filemarks(f.drive1, 1));
        long durable = position();
        for (int i = 1; i <= 2; i++) good(write(f.drive1, true, 10, pattern(i, 100_000)));
        quotaReached();
        good(setBlockSize(f.drive1, 0));
        ScsiResponse r = space(f.drive1, 0, -1);
        assertThat(r.status()).isEqualTo(ScsiStatus.CHECK_CONDITION);
        assertThat(r.sense()).isEqualTo(new Sense(Sense.DATA_PROTECT, 0x27, 0x07).asDeferred().withInformation(20));
        assertThat(position()).isEqualTo(durable);
    }

    /** The other way round: variable-mode WRITEs lost after MODE SELECT to fixed mode count bytes. */
    @Test
    void blocksLostAfterAChangeToFixedModeAreCountedInTheBytesTheyWereWrittenAs() {
        long durable = bufferedBlocksOverADurableFile(3);
        quotaReached();
        good(setBlockSize(f.drive1, 10_000));
        ScsiResponse r = space(f.drive1, 0, -1);
        assertThat(r.status()).isEqualTo(ScsiStatus.CHECK_CONDITION);
        assertThat(r.sense()).isEqualTo(new Sense(Sense.DATA_PROTECT, 0x27, 0x07).asDeferred().withInformation(300_000));
        assertThat(position()).isEqualTo(durable);
    }

    /**
     * A variable-block WRITE (FIXED 0) is allowed while a block size is set; its blocks lost count bytes,
     * as that WRITE's transfer length did. A loss of both kinds (fixed-mode blocks and variable-mode bytes)
     * has no single unit to count it in: the deferred error then carries no INFORMATION (VALID 0) rather
     * than a sum of blocks and bytes.
     */
    @Test
    void aLossOfVariableWritesInFixedModeCountsBytesAndAMixedLossHasNoInformation() {
        long durable = bufferedBlocksOverADurableFile(0);
        good(setBlockSize(f.drive1, 10_000));
        good(write(f.drive1, false, 4_000, pattern(1, 4_000)));
        quotaReached();
        ScsiResponse r = space(f.drive1, 0, -1);
        assertThat(r.sense()).isEqualTo(new Sense(Sense.DATA_PROTECT, 0x27, 0x07).asDeferred().withInformation(4_000));
        assertThat(position()).isEqualTo(durable);

        f.engine.updateGroup("grp", null, 0L);
        good(write(f.drive1, true, 2, pattern(2, 20_000)));
        good(write(f.drive1, false, 4_000, pattern(3, 4_000)));
        quotaReached();
        ScsiResponse mixed = space(f.drive1, 0, -1);
        assertThat(mixed.sense()).isEqualTo(new Sense(Sense.DATA_PROTECT, 0x27, 0x07).asDeferred());
        assertThat(mixed.sense().encode(false)[0]).as("deferred, VALID 0").isEqualTo((byte) 0x71);
        assertThat(position()).isEqualTo(durable);
    }
}
