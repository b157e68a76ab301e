package dev.cistern.vtl;

import static dev.cistern.vtl.VtlFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.ScsiStatus;
import dev.cistern.iscsi.scsi.Sense;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invalid CDBs, reads past end of data, commands without a cartridge, and random CDBs: every one gets
 * sense (never an exception escaping the device model), and the data written before is intact.
 */
class HostileInputTest {
    @TempDir
    Path dir;

    private static void check(ScsiResponse r, int key, int asc, int ascq) {
        assertThat(r.status()).isEqualTo(ScsiStatus.CHECK_CONDITION);
        assertThat(r.sense().key()).isEqualTo(key);
        assertThat(r.sense().asc()).isEqualTo(asc);
        assertThat(r.sense().ascq()).isEqualTo(ascq);
    }

    @Test
    void badCommandsGetSenseAndLoseNothing() {
        try (VtlFixture f = new VtlFixture(dir)) {
            // no cartridge yet
            check(run(f.drive1, 0x08, 0, 0, 0x10, 0, 0), Sense.NOT_READY, 0x3a, 0);
            check(run(f.drive1, 0x01, 0, 0, 0, 0, 0), Sense.NOT_READY, 0x3a, 0);
            check(run(f.drive1, 0x1b, 0, 0, 0, 1, 0), Sense.NOT_READY, 0x3a, 0);
            TapeLibraries.addCartridge(f.engine, f.library, "CST001L5", 1 << 22);
            TapeLibraries.moveCartridge(f.engine, f.library, "CST001L5", 0x100);
            byte[] data = new byte[5000];
            new Random(1).nextBytes(data);
            assertThat(run(f.drive1, 0, data, 0x0a, 0, 0, 0x13, 0x88, 0).status()).isEqualTo(ScsiStatus.GOOD);
            assertThat(run(f.drive1, 0x10, 0, 0, 0, 1, 0).status()).isEqualTo(ScsiStatus.GOOD);
            check(run(f.drive1, 0xee, 0, 0, 0, 0, 0), Sense.ILLEGAL_REQUEST, 0x20, 0); // unknown opcode
            check(run(f.drive1, 0x08, 1, 0, 0, 1, 0), Sense.ILLEGAL_REQUEST, 0x24, 0); // fixed mode, block size 0
            check(run(f.drive1, 0x08, 3, 0, 0, 1, 0), Sense.ILLEGAL_REQUEST, 0x24, 0); // FIXED and SILI
            check(run(f.drive1, 0x11, 2, 0, 0, 1, 0), Sense.ILLEGAL_REQUEST, 0x24, 0); // sequential filemarks
            check(run(f.drive1, 0x34, 0x1f, 0, 0, 0, 0, 0, 0, 0, 0), Sense.ILLEGAL_REQUEST, 0x24, 0);
            check(run(f.drive1, 0x1a, 0, 0x3f, 0x05, 255, 0), Sense.ILLEGAL_REQUEST, 0x24, 0); // bad subpage
            check(run(f.drive1, 0x1a, 0, 0xc0 | 0x0f, 0, 255, 0), Sense.ILLEGAL_REQUEST, 0x39, 0); // saved values
            byte[] badDensity = {0, 0, 0, 8, 0x33, 0, 0, 0, 0, 0, 0, 0};
            check(run(f.drive1, 0, badDensity, 0x15, 0x10, 0, 0, 12, 0), Sense.ILLEGAL_REQUEST, 0x26, 0);
            check(run(f.drive1, 0, new byte[3], 0x15, 0x10, 0, 0, 12, 0), Sense.ILLEGAL_REQUEST, 0x1a, 0);
            // a data compression page shorter than MODE SENSE reports it is refused and changes nothing
            // (it used to turn compression off)
            check(run(f.drive1, 0, new byte[] {0, 0, 0x10, 0, 0x0f, 0}, 0x15, 0x10, 0, 0, 6, 0), Sense.ILLEGAL_REQUEST,
                    0x26, 0);
            assertThat(run(f.drive1, 0x1a, 0x08, 0x0f, 0, 255, 0).dataIn()[6] & 0x80).isEqualTo(0x80); // DCE still on
            // a medium partition page is 6 bytes and a 2-byte size per partition (one here): others are refused
            check(run(f.drive1, 0, new byte[] {0, 0, 0x10, 0, 0x11, 2, 0, 0}, 0x15, 0x10, 0, 0, 8, 0),
                    Sense.ILLEGAL_REQUEST, 0x26, 0);
            check(run(f.drive1, 0, new byte[] {0, 0, 0x10, 0, 0x11, 7, 0, 0, 0, 0, 0, 0, 0}, 0x15, 0x10, 0, 0, 13, 0),
                    Sense.ILLEGAL_REQUEST, 0x26, 0);
            assertThat(run(f.drive1, 0, new byte[] {0, 0, 0x10, 0, 0x11, 8, 0, 0, 0x18, 0x03, 9, 0, 0, 0}, 0x15, 0x10,
                    0, 0, 14, 0).status()).isEqualTo(ScsiStatus.GOOD);
            check(run(f.drive1, 0x4d, 0, 0x17, 0, 0, 0, 0, 1, 0, 0), Sense.ILLEGAL_REQUEST, 0x24, 0); // no such log page
            check(run(f.drive1, 0x0a, 0, 0, 0x13, 0x88, 0), Sense.ILLEGAL_REQUEST, 0x24, 0); // WRITE without the data
            check(run(f.changer, 0xa5, 0, 0, 7, 0x10, 0, 0x10, 1, 0, 0, 0, 0), Sense.ILLEGAL_REQUEST, 0x21, 1);
            check(run(f.changer, 0xb8, 0x07, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0), Sense.ILLEGAL_REQUEST, 0x24, 0);
            // read past end of data, twice
            assertThat(run(f.drive1, 0x01, 0, 0, 0, 0, 0).status()).isEqualTo(ScsiStatus.GOOD);
            assertThat(run(f.drive1, 0x11, 1, 0, 0, 1, 0).status()).isEqualTo(ScsiStatus.GOOD);
            check(run(f.drive1, 0x08, 0, 0, 0x10, 0, 0), Sense.BLANK_CHECK, 0, 5);
            check(run(f.drive1, 0x08, 0, 0, 0x10, 0, 0), Sense.BLANK_CHECK, 0, 5);
            // random garbage CDBs of every length, to every unit, none of which may throw; the drive
            // only gets read-only opcodes so the data must survive
            Random r = new Random(7);
            int[] readOnly = {0x00, 0x03, 0x05, 0x08, 0x11, 0x12, 0x1a, 0x2b, 0x34, 0x44, 0x4d, 0x5a, 0x91, 0x92, 0xa0};
            for (int i = 0; i < 3000; i++) {
                byte[] cdb = new byte[6 + r.nextInt(11)];
                r.nextBytes(cdb);
                cdb[0] = (byte) readOnly[r.nextInt(readOnly.length)];
                ScsiResponse resp = f.drive1.execute(new dev.cistern.iscsi.scsi.ScsiRequest(cdb, null, 1 << 16,
                        VtlFixture.NEXUS, new int[] {0, 1, 2}));
                assertThat(resp).isNotNull();
                byte[] ccdb = new byte[6 + r.nextInt(11)];
                r.nextBytes(ccdb);
                ccdb[0] = (byte) (r.nextBoolean() ? 0xb8 : 0x1a);
                assertThat(f.changer.execute(new dev.cistern.iscsi.scsi.ScsiRequest(ccdb, null, 1 << 16,
                        VtlFixture.NEXUS, new int[] {0, 1, 2}))).isNotNull();
            }
            assertThat(run(f.drive1, 0x1b, 0, 0, 0, 1, 0).status()).isEqualTo(ScsiStatus.GOOD); // reload: BOP
            assertThat(run(f.drive1, 0x15, 0x10, 0, 0, 0, 0).status()).isEqualTo(ScsiStatus.GOOD);
            ScsiResponse back = run(f.drive1, 0x08, 0, 0, 0x13, 0x88, 0);
            assertThat(back.status()).isEqualTo(ScsiStatus.GOOD);
            assertThat(back.dataIn()).isEqualTo(data);
            assertThat(f.cartridges()).hasSize(1);
        }
    }
}
