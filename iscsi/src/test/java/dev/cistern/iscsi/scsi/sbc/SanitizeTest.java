package dev.cistern.iscsi.scsi.sbc;

import dev.cistern.engine.EngineException;
import dev.cistern.iscsi.ReservationStore;
import dev.cistern.iscsi.SanitizeStore;
import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiFixture;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.ScsiStatus;
import dev.cistern.iscsi.scsi.Sense;
import dev.cistern.iscsi.scsi.spc.Reservations;
import dev.cistern.iscsi.testing.ForwardingVolume;
import dev.cistern.iscsi.testing.HeldVolume;
import dev.cistern.iscsi.testing.MemoryBlockVolume;
import dev.cistern.iscsi.testing.SteppedVolume;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.cistern.iscsi.scsi.ScsiFixture.A;
import static dev.cistern.iscsi.scsi.ScsiFixture.cdb;
import static dev.cistern.iscsi.scsi.ScsiFixture.filled;
import static dev.cistern.iscsi.scsi.ScsiFixture.rw10;
import static org.assertj.core.api.Assertions.assertThat;

/** SANITIZE (48h) on a memory-backed disk LU: what it leaves on the medium and what it refuses. */
class SanitizeTest {
    private static final int BLOCKS = 2048;
    private static final byte[] TUR = cdb(0, 0, 0, 0, 0, 0);

    private static byte[] sanitize(int byte1, int length) {
        return cdb(0x48, byte1, 0, 0, 0, 0, 0, length >>> 8, length & 0xff, 0);
    }

    /** OVERWRITE parameter list: INVERT/TEST/COUNT byte, pattern length, pattern. */
    private static byte[] overwriteList(int byte0, int patternLength, byte[] pattern) {
        byte[] p = new byte[4 + pattern.length];
        p[0] = (byte) byte0;
        Bytes.putShort(p, 2, patternLength);
        System.arraycopy(pattern, 0, p, 4, pattern.length);
        return p;
    }

    /** CHECK CONDITION with this sense, and no INFORMATION; a PROGRESS INDICATION only for NOT READY. */
    private static void assertSense(ScsiResponse r, int key, int asc, int ascq) {
        assertThat(r.status()).isEqualTo(ScsiStatus.CHECK_CONDITION);
        Sense s = r.sense();
        assertThat(new Sense(s.key(), s.asc(), s.ascq(), s.information(), s.streamBits(), s.deferred(), null))
                .isEqualTo(new Sense(key, asc, ascq));
        if (key != Sense.NOT_READY) assertThat(s.keySpecific()).isNull();
    }

    /** The PROGRESS INDICATION of fixed format sense bytes (SKSV in byte 15, the fraction in 16-17). */
    private static int fixedProgress(byte[] sense) {
        assertThat(sense[0] & 0x7f).isEqualTo(0x70);
        assertThat(sense[7] & 0xff).as("additional length reaches byte 17").isGreaterThanOrEqualTo(10);
        assertThat(sense[15] & 0x80).as("SKSV").isEqualTo(0x80);
        return Bytes.u16(sense, 16);
    }

    /** The PROGRESS INDICATION of descriptor format sense bytes: its sense key specific descriptor (02h). */
    private static int descriptorProgress(byte[] sense) {
        assertThat(sense[0] & 0x7f).isEqualTo(0x72);
        int end = 8 + (sense[7] & 0xff);
        assertThat(sense).hasSizeGreaterThanOrEqualTo(end);
        for (int at = 8; at < end; at += 2 + (sense[at + 1] & 0xff)) {
            if (sense[at] == 0x02) {
                assertThat(sense[at + 1]).isEqualTo((byte) 0x06);
                assertThat(sense[at + 4] & 0x80).as("SKSV").isEqualTo(0x80);
                return Bytes.u16(sense, at + 5);
            }
        }
        throw new AssertionError("no sense key specific descriptor");
    }

    /** REQUEST SENSE with DESC 0 (fixed) or 1 (descriptor). */
    private static byte[] requestSense(LogicalUnit lu, boolean descriptor) {
        ScsiResponse r = run(lu, cdb(0x03, descriptor ? 1 : 0, 0, 0, 252, 0), null, 252);
        assertThat(r.status()).isEqualTo(ScsiStatus.GOOD);
        return r.dataIn();
    }

    /**
     * Checks what TEST UNIT READY and REQUEST SENSE in both formats say while the sanitize runs, and
     * returns the PROGRESS INDICATION they agree on.
     */
    private static int progress(LogicalUnit lu) {
        ScsiResponse tur = run(lu, TUR, null, 0);
        assertSense(tur, Sense.NOT_READY, 0x04, 0x1b);
        int p = tur.sense().progress();
        assertThat(p).isBetween(0, 0xffff);
        byte[] fixed = requestSense(lu, false);
        assertThat(new int[]{fixed[2] & 0x0f, fixed[12], fixed[13]}).containsExactly(Sense.NOT_READY, 0x04, 0x1b);
        assertThat(fixedProgress(fixed)).isEqualTo(p);
        byte[] desc = requestSense(lu, true);
        assertThat(new int[]{desc[1] & 0x0f, desc[2], desc[3]}).containsExactly(Sense.NOT_READY, 0x04, 0x1b);
        assertThat(descriptorProgress(desc)).isEqualTo(p);
        return p;
    }

    private static void awaitReady(LogicalUnit lu) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (run(lu, TUR, null, 0).status() != ScsiStatus.GOOD && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(run(lu, TUR, null, 0).status()).isEqualTo(ScsiStatus.GOOD);
        byte[] none = requestSense(lu, false); // no sense left, and no progress
        assertThat(new int[]{none[2] & 0x0f, none[12], none[13], none[15] & 0x80}).containsExactly(0, 0, 0, 0);
    }

    private static LogicalUnit unit(ForwardingVolume v) {
        return new LogicalUnit(0, v, DiskModel.commands(), new Reservations(ReservationStore.inMemory()),
                SanitizeStore.inMemory(), "CSTSAN");
    }

    private static ScsiResponse run(LogicalUnit lu, byte[] cdb, byte[] dataOut, int alloc) {
        return lu.execute(new ScsiRequest(cdb, dataOut, alloc, A, new int[]{0}));
    }

    private static void fill(ScsiFixture f) {
        f.run(rw10(0x2a, 0, 64), filled(64 * 512, 'a'));
        f.run(rw10(0x2a, BLOCKS - 64, 64), filled(64 * 512, 'a'));
    }

    @Test
    void blockEraseDeallocatesEveryBlockDurablyAndOneDescriptorCoversTheLun() {
        ScsiFixture f = new ScsiFixture(BLOCKS, false);
        fill(f);
        long flushes = f.volume.flushes.get();
        assertThat(f.run(sanitize(0x02, 0)).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(f.volume.flushes.get()).as("GOOD means durable, write cache or not").isGreaterThan(flushes);
        assertThat(f.run(rw10(0x28, 0, 64)).dataIn()).containsOnly(0);
        assertThat(f.run(rw10(0x28, BLOCKS - 64, 64)).dataIn()).containsOnly(0);
        byte[] lbaStatus = f.run(cdb(0x9e, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)).dataIn();
        assertThat(Bytes.u32(lbaStatus, 0)).isEqualTo(4 + 16); // one descriptor
        assertThat(Bytes.u64(lbaStatus, 8)).isZero();
        assertThat(Bytes.u32(lbaStatus, 16)).isEqualTo(BLOCKS);
        assertThat(lbaStatus[20]).isEqualTo((byte) 1); // deallocated
    }

    @Test
    void getLbaStatusCountsAnUnmappedRunBeyondItsFirstWindow() {
        ScsiFixture f = new ScsiFixture(1 << 20, false); // 1 Mi blocks: more than one window of 15 descriptors
        f.run(rw10(0x2a, (1 << 20) - 1, 1), filled(512, 'a'));
        byte[] lbaStatus = f.run(cdb(0x9e, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)).dataIn();
        assertThat(Bytes.u64(lbaStatus, 8)).isZero();
        assertThat(Bytes.u32(lbaStatus, 16)).isEqualTo((1 << 20) - 32); // up to the mapped allocation unit
        assertThat(lbaStatus[20]).isEqualTo((byte) 1);
        byte[] next = f.run(cdb(0x9e, 0x12, 0, 0, 0, 0, 0, 0x0f, 0xff, 0xe0, 0, 0, 1, 0, 0, 0)).dataIn();
        assertThat(Bytes.u64(next, 8)).isEqualTo((1 << 20) - 32);
        assertThat(next[20]).isEqualTo((byte) 0); // mapped
    }

    @Test
    void overwriteRepeatsThePatternOverEveryBlockAndInvertEndsOnThePattern() {
        ScsiFixture f = new ScsiFixture(BLOCKS, false);
        fill(f);
        byte[] pattern = {1, 2, 3, (byte) 0xf0, 5, 6, 7};
        // INVERT, two passes: the first writes the inverse, the last the pattern itself
        assertThat(f.run(sanitize(0x01, 11), overwriteList(0x80 | 2, 7, pattern)).status())
                .isEqualTo(ScsiStatus.GOOD);
        byte[] expected = new byte[512];
        for (int i = 0; i < 512; i++) expected[i] = pattern[i % 7];
        assertThat(f.run(rw10(0x28, 0, 1)).dataIn()).isEqualTo(expected);
        assertThat(f.run(rw10(0x28, BLOCKS - 1, 1)).dataIn()).isEqualTo(expected);
        assertThat(f.volume.extents(0, BLOCKS * 512L)).allMatch(e -> e.mapped());
    }

    @Test
    void anAllZeroOverwriteDeallocates() {
        ScsiFixture f = new ScsiFixture(BLOCKS, false);
        fill(f);
        assertThat(f.run(sanitize(0x01, 4 + 512), overwriteList(1, 512, new byte[512])).status())
                .isEqualTo(ScsiStatus.GOOD);
        assertThat(f.volume.extents(0, BLOCKS * 512L)).noneMatch(e -> e.mapped());
        assertThat(f.run(rw10(0x28, 0, 64)).dataIn()).containsOnly(0);
    }

    @Test
    void badCdbsAndParameterListsAreIllegalRequestAndChangeNothing() {
        ScsiFixture f = new ScsiFixture(BLOCKS, false);
        fill(f);
        byte[] list = overwriteList(1, 512, filled(512, 0x55));
        for (int immed : new int[]{0, 0x80}) { // IMMED answers only after the checks
            for (int len : new int[]{0, 1, 2, 3, 4, 512 + 5}) {
                assertSense(f.run(sanitize(immed | 0x01, len), filled(len, 1)), Sense.ILLEGAL_REQUEST, 0x24, 0);
            }
            assertSense(f.run(sanitize(immed | 0x02, 8), new byte[8]), Sense.ILLEGAL_REQUEST, 0x24, 0);
            assertSense(f.run(sanitize(immed | 0x1f, 8), new byte[8]), Sense.ILLEGAL_REQUEST, 0x24, 0);
            list[0] = 0; // OVERWRITE COUNT 0
            assertSense(f.run(sanitize(immed | 0x01, list.length), list), Sense.ILLEGAL_REQUEST, 0x26, 0);
            list[0] = 0x21; // TEST 01b
            assertSense(f.run(sanitize(immed | 0x01, list.length), list), Sense.ILLEGAL_REQUEST, 0x26, 0);
            list[0] = 1;
            for (int patternLength : new int[]{0, 513}) {
                Bytes.putShort(list, 2, patternLength);
                assertSense(f.run(sanitize(immed | 0x01, list.length), list), Sense.ILLEGAL_REQUEST, 0x26, 0);
            }
            Bytes.putShort(list, 2, 512);
            assertSense(f.run(sanitize(immed | 0x01, 100), list), Sense.ILLEGAL_REQUEST, 0x26, 0); // > list
            // CRYPTO ERASE: no per-LUN key; and service actions SBC-4 does not define
            for (int sa : new int[]{0x00, 0x03, 0x04, 0x1e}) {
                assertSense(f.run(sanitize(immed | sa, 0)), Sense.ILLEGAL_REQUEST, 0x24, 0);
            }
        }
        for (int at = 2; at <= 6; at++) { // reserved bytes, and ZNR on a LUN that is not zoned
            byte[] c = sanitize(0x02, 0);
            c[at] = 1;
            assertSense(f.run(c), Sense.ILLEGAL_REQUEST, 0x24, 0);
        }
        assertSense(f.run(sanitize(0x40 | 0x02, 0)), Sense.ILLEGAL_REQUEST, 0x24, 0);
        assertThat(f.run(rw10(0x28, 0, 1)).dataIn()).isEqualTo(filled(512, 'a'));
        ScsiFixture ro = new ScsiFixture(64, true);
        assertSense(ro.run(sanitize(0x02, 0)), Sense.DATA_PROTECT, 0x27, 0);
    }

    @Test
    void whileASanitizeRunsOtherCommandsAreNotReadySanitizeInProgress() throws Exception {
        HeldVolume erase = HeldVolume.unmaps(new MemoryBlockVolume(BLOCKS * 512L, 512, 16384, false));
        LogicalUnit lu = unit(erase);
        run(lu, rw10(0x2a, 0, 1), filled(512, 'a'), 0);
        assertThat(run(lu, sanitize(0x80 | 0x02, 0), null, 0).status()).isEqualTo(ScsiStatus.GOOD); // IMMED
        assertThat(erase.awaitHeld()).isTrue();
        assertSense(run(lu, TUR, null, 0), Sense.NOT_READY, 0x04, 0x1b);
        assertSense(run(lu, rw10(0x28, 0, 1), null, 512), Sense.NOT_READY, 0x04, 0x1b);
        assertSense(run(lu, rw10(0x2a, 0, 1), filled(512, 'b'), 0), Sense.NOT_READY, 0x04, 0x1b);
        assertSense(run(lu, sanitize(0x02, 0), null, 0), Sense.NOT_READY, 0x04, 0x1b);
        assertThat(run(lu, cdb(0x12, 0, 0, 0, 96, 0), null, 96).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(run(lu, cdb(0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0), null, 64).status())
                .isEqualTo(ScsiStatus.GOOD);
        byte[] sense = run(lu, cdb(0x03, 0, 0, 0, 18, 0), null, 18).dataIn(); // REQUEST SENSE, fixed format
        assertThat(new int[]{sense[2] & 0x0f, sense[12], sense[13]}).containsExactly(Sense.NOT_READY, 0x04, 0x1b);
        erase.release();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (run(lu, TUR, null, 0).status() != ScsiStatus.GOOD && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(run(lu, TUR, null, 0).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(run(lu, rw10(0x28, 0, 1), null, 512).dataIn()).containsOnly(0);
    }

    /**
     * A BLOCK ERASE walks the LUN in unmaps of whole allocation units (64 of 16 KiB here), and the NOT
     * READY of TEST UNIT READY and REQUEST SENSE, fixed and descriptor format alike, say how far it got.
     */
    @Test
    void aRunningBlockEraseReportsItsProgressInTheSenseKeySpecificField() throws Exception {
        long size = 64 * 1024 * 16384L; // 64 pieces of the fewest units a piece has
        SteppedVolume stepped = new SteppedVolume(new MemoryBlockVolume(size, 512, 16384, false));
        LogicalUnit lu = unit(stepped);
        assertThat(run(lu, sanitize(0x80 | 0x02, 0), null, 0).status()).isEqualTo(ScsiStatus.GOOD); // IMMED
        assertThat(stepped.awaitStarted(1)).isTrue();
        assertThat(progress(lu)).isZero();
        stepped.step(1);
        assertThat(stepped.awaitStarted(2)).isTrue();
        assertThat(progress(lu)).isEqualTo(65536 / 64); // one piece of 64 done
        stepped.step(31);
        assertThat(stepped.awaitStarted(33)).isTrue();
        assertThat(progress(lu)).isEqualTo(65536 / 2);
        stepped.step(31);
        assertThat(stepped.awaitStarted(64)).isTrue();
        assertThat(progress(lu)).isEqualTo(63 * 65536 / 64);
        stepped.releaseAll();
        awaitReady(lu);
        assertThat(stepped.extents(0, size)).noneMatch(e -> e.mapped());
    }

    /** An OVERWRITE writes the LUN a MiB at a time; its progress grows with each, and stays in range. */
    @Test
    void aRunningOverwriteReportsAProgressThatGrowsWithEveryPieceWritten() throws Exception {
        int blocks = 8 * 2048; // 8 MiB: 8 writes of 1 MiB
        SteppedVolume stepped = new SteppedVolume(new MemoryBlockVolume(blocks * 512L, 512, 16384, false));
        LogicalUnit lu = unit(stepped);
        byte[] list = overwriteList(1, 512, filled(512, 0x5a));
        assertThat(run(lu, sanitize(0x80 | 0x01, list.length), list, 0).status()).isEqualTo(ScsiStatus.GOOD);
        int last = -1;
        for (int piece = 0; piece < 8; piece++) {
            assertThat(stepped.awaitStarted(piece + 1)).isTrue();
            int p = progress(lu);
            assertThat(p).as("after %d of 8 pieces", piece).isGreaterThan(last).isEqualTo(piece * 65536 / 8);
            last = p;
            stepped.step(1);
        }
        awaitReady(lu);
        assertThat(run(lu, rw10(0x28, blocks - 1, 1), null, 512).dataIn()).isEqualTo(filled(512, 0x5a));
    }

    @Test
    void anErasePieceIsWholeAllocationUnitsAndAtLeastOne() {
        assertThat(Sanitize.erasePiece(BLOCKS * 512L, 512, 16384)).isEqualTo(1024 * 16384L); // the whole LUN
        assertThat(Sanitize.erasePiece(1L << 40, 4096, 65536)).isEqualTo((1L << 40) / 256);
        assertThat(Sanitize.erasePiece(3_000_000_000L, 512, 65536) % 65536).isZero();
        assertThat(Sanitize.erasePiece(512 * 100L, 512, 16384)).isEqualTo(1024 * 16384L); // smaller than one unit
    }

    /**
     * The engine frees a range of more than 256 whole units with one range delete, and zero-writes a
     * shorter one unit by unit: a BLOCK ERASE of a LUN of up to 256 x 256 units (1 GiB at 16 KiB) in
     * 256 pieces of at most 256 units each took over a hundred times longer than one unmap did.
     */
    @Test
    void anErasePieceIsLargeEnoughForTheEngineToDropItAtOnce() {
        for (int unit : new int[]{4096, 16384, 65536}) {
            for (long size : new long[]{256L * 257 * unit, 256L * 256 * unit, 256L * 64 * unit, 1L << 30}) {
                assertThat(Sanitize.erasePiece(size, 512, unit) / unit).as("%d bytes in units of %d", size, unit)
                        .isGreaterThan(256);
            }
        }
    }

    @Test
    void aSanitizeStartsOnlyAfterTheCommandsAlreadyRunning() throws Exception {
        HeldVolume held = HeldVolume.writes(new MemoryBlockVolume(BLOCKS * 512L, 512, 16384, false));
        LogicalUnit lu = unit(held);
        Thread writer = Thread.ofVirtual().start(() -> run(lu, rw10(0x2a, 0, 1), filled(512, 'a'), 0));
        assertThat(held.awaitHeld()).isTrue();
        Thread eraser = Thread.ofVirtual().start(() -> run(lu, sanitize(0x02, 0), null, 0));
        Thread.sleep(100);
        held.release(); // the write lands, then the erase runs over it
        writer.join(10_000);
        eraser.join(10_000);
        assertThat(run(lu, rw10(0x28, 0, 1), null, 512).dataIn()).containsOnly(0);
    }

    @Test
    void aFailedSanitizeLeavesFailureModeWhichOnlyAuseLetsExitFailureModeClear() {
        boolean[] broken = {true};
        MemoryBlockVolume memory = new MemoryBlockVolume(BLOCKS * 512L, 512, 16384, false);
        LogicalUnit lu = unit(new ForwardingVolume(memory) {
            @Override
            public void unmap(long offset, long length) {
                if (broken[0]) throw new EngineException(EngineException.Reason.DAMAGED, "disk gone");
                super.unmap(offset, length);
            }
        });
        // restricted mode (AUSE 0): EXIT FAILURE MODE is refused, another sanitize must succeed
        assertSense(run(lu, sanitize(0x02, 0), null, 0), Sense.MEDIUM_ERROR, 0x31, 0x03);
        assertSense(run(lu, TUR, null, 0), Sense.MEDIUM_ERROR, 0x31, 0x03);
        assertSense(run(lu, sanitize(0x1f, 0), null, 0), Sense.ILLEGAL_REQUEST, 0x24, 0);
        assertSense(run(lu, sanitize(0x20 | 0x02, 0), null, 0), Sense.ILLEGAL_REQUEST, 0x24, 0); // AUSE now
        broken[0] = false;
        assertThat(run(lu, sanitize(0x02, 0), null, 0).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(run(lu, TUR, null, 0).status()).isEqualTo(ScsiStatus.GOOD);
        // unrestricted mode (AUSE 1): EXIT FAILURE MODE clears the failure
        broken[0] = true;
        assertSense(run(lu, sanitize(0x20 | 0x02, 0), null, 0), Sense.MEDIUM_ERROR, 0x31, 0x03);
        assertSense(run(lu, rw10(0x28, 0, 1), null, 512), Sense.MEDIUM_ERROR, 0x31, 0x03);
        assertThat(run(lu, sanitize(0x1f, 0), null, 0).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(run(lu, TUR, null, 0).status()).isEqualTo(ScsiStatus.GOOD);
    }

    @Test
    void supportedServiceActionsAndBlockDeviceCharacteristicsAgree() {
        ScsiFixture f = new ScsiFixture(BLOCKS, false);
        for (int sa : new int[]{0x01, 0x02, 0x1f}) {
            byte[] one = f.run(cdb(0xa3, 0x0c, 0x02, 0x48, 0, sa, 0, 0, 1, 0, 0, 0)).dataIn();
            assertThat(one[1] & 0x07).as("service action %x", sa).isEqualTo(0x03);
        }
        byte[] crypto = f.run(cdb(0xa3, 0x0c, 0x02, 0x48, 0, 0x03, 0, 0, 1, 0, 0, 0)).dataIn();
        assertThat(crypto[1] & 0x07).isEqualTo(0x01); // not supported
        byte[] bdc = f.run(cdb(0x12, 0x01, 0xb1, 0, 64, 0)).dataIn();
        assertThat((bdc[7] >>> 6) & 0x03).as("WABEREQ: reads after BLOCK ERASE succeed").isEqualTo(1);
        assertThat((bdc[7] >>> 4) & 0x03).as("WACEREQ: no CRYPTO ERASE").isZero();
    }

    /**
     * EXIT FAILURE MODE and a new sanitize racing from two sessions: the exit, already past its checks,
     * stored "completed" over the mark the sanitize had just stored, so a crash during that sanitize left
     * a LUN that opened as if nothing happened, its medium partly erased. The exit must either finish
     * before the sanitize marks the unit, or find the sanitize running.
     */
    @Test
    void exitFailureModeRacingASanitizeNeverClearsTheRunningSanitizesMark() throws Exception {
        CountDownLatch exitSaving = new CountDownLatch(1);
        CountDownLatch exitMayStore = new CountDownLatch(1);
        SanitizeStore durable = SanitizeStore.inMemory();
        durable.save(SanitizeStore.State.INCOMPLETE_AUSE); // failed with AUSE: EXIT FAILURE MODE allowed
        SanitizeStore store = new SanitizeStore() {
            @Override
            public State load() {
                return durable.load();
            }

            @Override
            public void save(State state) {
                if (state == State.COMPLETED && exitSaving.getCount() > 0) {
                    exitSaving.countDown(); // the first "completed" is the exit's: held until the sanitize starts
                    try {
                        exitMayStore.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                durable.save(state);
            }
        };
        HeldVolume erasing = HeldVolume.unmaps(new MemoryBlockVolume(BLOCKS * 512L, 512, 16384, false));
        LogicalUnit lu = new LogicalUnit(0, erasing, DiskModel.commands(), new Reservations(ReservationStore.inMemory()),
                store, "CSTSAN");
        ScsiResponse[] exit = new ScsiResponse[1];
        ScsiResponse[] erase = new ScsiResponse[1];
        Thread exiter = Thread.ofVirtual().start(() -> exit[0] = run(lu, sanitize(0x1f, 0), null, 0));
        assertThat(exitSaving.await(10, TimeUnit.SECONDS)).isTrue();
        Thread eraser = Thread.ofVirtual().start(() -> erase[0] = run(lu, sanitize(0x80 | 0x02, 0), null, 0));
        Thread.sleep(200); // the sanitize marks the unit now, unless it waits for the exit to finish
        exitMayStore.countDown();
        exiter.join(10_000);
        eraser.join(10_000);
        assertThat(erase[0].status()).isEqualTo(ScsiStatus.GOOD); // IMMED: the erase goes on in the background
        assertThat(erasing.awaitHeld()).isTrue();
        assertThat(store.load()).as("mark of the running sanitize").isNotEqualTo(SanitizeStore.State.COMPLETED);
        erasing.release();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (run(lu, TUR, null, 0).status() != ScsiStatus.GOOD && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(store.load()).isEqualTo(SanitizeStore.State.COMPLETED);
    }

    /** EXIT FAILURE MODE while a sanitize runs is refused like any other command, and leaves its mark. */
    @Test
    void exitFailureModeWhileASanitizeRunsIsSanitizeInProgress() throws Exception {
        SanitizeStore store = SanitizeStore.inMemory();
        HeldVolume erasing = HeldVolume.unmaps(new MemoryBlockVolume(BLOCKS * 512L, 512, 16384, false));
        LogicalUnit lu = new LogicalUnit(0, erasing, DiskModel.commands(), new Reservations(ReservationStore.inMemory()),
                store, "CSTSAN");
        assertThat(run(lu, sanitize(0x80 | 0x20 | 0x02, 0), null, 0).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(erasing.awaitHeld()).isTrue();
        assertSense(run(lu, sanitize(0x1f, 0), null, 0), Sense.NOT_READY, 0x04, 0x1b);
        assertThat(store.load()).isEqualTo(SanitizeStore.State.INCOMPLETE_AUSE);
        erasing.release();
    }
}
