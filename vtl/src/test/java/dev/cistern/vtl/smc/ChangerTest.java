package dev.cistern.vtl.smc;

import static dev.cistern.vtl.VtlFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.engine.EngineException;
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

/** The SMC-3 changer model: element status with volume tags, moves and their refusals, import/export. */
class ChangerTest {
    @TempDir
    Path dir;
    VtlFixture f;

    @BeforeEach
    void setUp() {
        f = new VtlFixture(dir);
        for (int i = 1; i <= 3; i++) TapeLibraries.addCartridge(f.engine, f.library, "CST00" + i + "L5", 1 << 20);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private static ScsiResponse move(VtlFixture f, int from, int to) {
        return run(f.changer, 0xa5, 0, 0, 1, from >> 8, from, to >> 8, to, 0, 0, 0, 0);
    }

    private static ScsiResponse elementStatus(VtlFixture f, int type, int start, int count, boolean voltag, boolean dvcid) {
        return run(f.changer, 0xb8, (voltag ? 0x10 : 0) | type, start >> 8, start, count >> 8, count, dvcid ? 1 : 0,
                0, 0x10, 0, 0, 0);
    }

    private static void illegal(ScsiResponse r, int asc, int ascq) {
        assertThat(r.status()).isEqualTo(ScsiStatus.CHECK_CONDITION);
        assertThat(r.sense()).isEqualTo(new Sense(Sense.ILLEGAL_REQUEST, asc, ascq));
    }

    @Test
    void reportsAllElementsWithVolumeTags() {
        byte[] b = elementStatus(f, 0, 0, 100, true, true).dataIn();
        assertThat(Bytes.u16(b, 0)).isEqualTo(1); // first element: the transport
        assertThat(Bytes.u16(b, 2)).isEqualTo(1 + 2 + 2 + 8);
        // pages in type order: transport, storage, import/export, data transfer
        int at = 8;
        int[] types = {1, 2, 3, 4};
        int[] counts = {1, 8, 2, 2};
        for (int t = 0; t < 4; t++) {
            assertThat(b[at]).isEqualTo((byte) types[t]);
            assertThat(b[at + 1] & 0x80).isEqualTo(0x80); // PVolTag
            int len = Bytes.u16(b, at + 2);
            assertThat(Bytes.u24(b, at + 5)).isEqualTo(len * counts[t]);
            if (types[t] == 2) {
                assertThat(Bytes.u16(b, at + 8)).isEqualTo(0x1000);
                assertThat(b[at + 10] & 0x01).isEqualTo(1); // FULL
                assertThat(new String(b, at + 8 + 12, 32).trim()).isEqualTo("CST001L5");
                assertThat(b[at + 8 + 4 * len + 2] & 0x01).isZero(); // the 4th slot is empty
            }
            if (types[t] == 4) {
                assertThat(len).isEqualTo(12 + 36 + 4 + 32);
                assertThat(new String(b, at + 8 + 52, 32).trim()).isEqualTo(f.drive1.serial());
            }
            at += 8 + Bytes.u24(b, at + 5);
        }
        assertThat(at).isEqualTo(b.length);
        // a range of one type, no volume tags
        byte[] slots = elementStatus(f, 2, 0x1001, 2, false, false).dataIn();
        assertThat(Bytes.u16(slots, 0)).isEqualTo(0x1001);
        assertThat(Bytes.u16(slots, 2)).isEqualTo(2);
        assertThat(Bytes.u16(slots, 10)).isEqualTo(12 + 4);
    }

    @Test
    void movesToDrivesAndBackAndRefusesBadMoves() {
        assertThat(move(f, 0x1000, 0x100).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(run(f.drive1, 0x00, 0, 0, 0, 0, 0).status()).isEqualTo(ScsiStatus.GOOD);
        illegal(move(f, 0x1003, 0x101), 0x3b, 0x0e); // source empty
        illegal(move(f, 0x1001, 0x100), 0x3b, 0x0d); // destination full
        illegal(move(f, 0x1001, 0x0999), 0x21, 0x01); // no such element
        illegal(move(f, 0x1001, 0x0001), 0x21, 0x01); // the transport holds nothing
        run(f.drive1, 0x1e, 0, 0, 0, 1, 0); // drive prevents removal
        illegal(move(f, 0x100, 0x1000), 0x53, 0x02);
        run(f.drive1, 0x1e, 0, 0, 0, 0, 0);
        // the drive's element reports the source slot
        byte[] d = elementStatus(f, 4, 0x100, 1, true, false).dataIn();
        assertThat(d[16 + 9] & 0x80).isEqualTo(0x80);
        assertThat(Bytes.u16(d, 16 + 10)).isEqualTo(0x1000);
        assertThat(move(f, 0x100, 0x1000).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(run(f.drive1, 0x00, 0, 0, 0, 0, 0).sense().asc()).isEqualTo(0x3a);
        // export to the mail slot, then the operator takes it out and puts it back
        assertThat(move(f, 0x1002, 0x300).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(TapeLibraries.cartridge(f.engine, f.library, "CST003L5").location()).isEqualTo("mailslot");
        TapeLibraries.exportCartridge(f.engine, f.library, "CST003L5");
        assertThat(TapeLibraries.cartridge(f.engine, f.library, "CST003L5").location()).isEqualTo("exported");
        TapeLibraries.importCartridge(f.engine, f.library, "CST003L5");
        byte[] ie = elementStatus(f, 3, 0, 2, true, false).dataIn();
        assertThat(ie[16 + 2] & 0x03).isEqualTo(0x03); // FULL, IMPEXP (placed by the operator)
        assertThat(move(f, 0x300, 0x1007).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(TapeLibraries.cartridge(f.engine, f.library, "CST003L5").address()).isEqualTo(0x1007);
    }

    @Test
    void libraryStateSurvivesRestartAndRestApiChecksItsInput() {
        assertThat(move(f, 0x1001, 0x101).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(move(f, 0x1002, 0x1005).status()).isEqualTo(ScsiStatus.GOOD);
        f.close();
        f = new VtlFixture(dir, false);
        assertThat(TapeLibraries.cartridge(f.engine, f.library, "CST002L5").location()).isEqualTo("drive");
        assertThat(TapeLibraries.cartridge(f.engine, f.library, "CST003L5").address()).isEqualTo(0x1005);
        assertThat(run(f.drive2, 0x00, 0, 0, 0, 0, 0).status()).isEqualTo(ScsiStatus.GOOD);
        assertThatThrownBy(() -> TapeLibraries.addCartridge(f.engine, f.library, "CST001L5", 1 << 20))
                .isInstanceOf(EngineException.class).hasMessageContaining("already exists");
        assertThatThrownBy(() -> TapeLibraries.addCartridge(f.engine, f.library, "bad code", 1 << 20))
                .isInstanceOf(EngineException.class).hasMessageContaining("invalid barcode");
        assertThatThrownBy(() -> TapeLibraries.deleteCartridge(f.engine, f.library, "CST002L5"))
                .hasMessageContaining("in a drive");
        assertThatThrownBy(() -> TapeLibraries.moveCartridge(f.engine, f.library, "CST001L5", 0x101))
                .hasMessageContaining("already holds CST002L5");
        TapeLibraries.deleteCartridge(f.engine, f.library, "CST001L5");
        assertThat(f.cartridges()).extracting(c -> c.barcode()).containsExactly("CST002L5", "CST003L5");
    }

    /**
     * Exporting through the API from a mail slot the changer has locked (PREVENT MEDIUM REMOVAL) is
     * refused with an EngineException the REST layer maps to 409 (it used to escape as a MoveException:
     * HTTP 500), and the cartridge stays where it is.
     */
    @Test
    void exportFromALockedMailSlotIsRefusedAsAConflict() {
        assertThat(move(f, 0x1000, 0x300).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(run(f.changer, 0x1e, 0, 0, 0, 1, 0).status()).isEqualTo(ScsiStatus.GOOD);
        assertThatThrownBy(() -> TapeLibraries.exportCartridge(f.engine, f.library, "CST001L5"))
                .isInstanceOf(EngineException.class).hasMessageContaining("CST001L5").hasMessageContaining("prevents")
                .extracting(e -> ((EngineException) e).reason()).isEqualTo(EngineException.Reason.BUSY);
        assertThat(TapeLibraries.cartridge(f.engine, f.library, "CST001L5").address()).isEqualTo(0x300);
        assertThat(run(f.changer, 0x1e, 0, 0, 0, 0, 0).status()).isEqualTo(ScsiStatus.GOOD);
        TapeLibraries.exportCartridge(f.engine, f.library, "CST001L5");
        assertThat(TapeLibraries.cartridge(f.engine, f.library, "CST001L5").location()).isEqualTo("exported");
    }

    @Test
    void identityAndModePages() {
        byte[] inq = run(f.changer, 0x12, 0, 0, 0, 96, 0).dataIn();
        assertThat(inq[0]).isEqualTo((byte) 8);
        assertThat(new String(inq, 8, 24)).isEqualTo("STK     L700            ");
        byte[] p = run(f.changer, 0x1a, 0x08, 0x1d, 0, 255, 0).dataIn();
        assertThat(p[4]).isEqualTo((byte) 0x1d);
        assertThat(Bytes.u16(p, 4 + 6)).isEqualTo(0x1000);
        assertThat(Bytes.u16(p, 4 + 8)).isEqualTo(8);
        assertThat(Bytes.u16(p, 4 + 14)).isEqualTo(0x100);
        assertThat(Bytes.u16(p, 4 + 16)).isEqualTo(2);
        byte[] all = run(f.changer, 0x5a, 0, 0x3f, 0, 0, 0, 0, 1, 0, 0).dataIn();
        assertThat(all.length).isEqualTo(8 + 20 + 4 + 20);
        assertThat(run(f.changer, 0x07, 0, 0, 0, 0, 0).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(run(f.changer, 0x37, 1, 0x10, 0, 0, 0, 0, 8, 0, 0).status()).isEqualTo(ScsiStatus.GOOD);
        illegal(run(f.changer, 0x37, 1, 0x50, 0, 0, 0, 0, 8, 0, 0), 0x21, 0x01);
    }
}
