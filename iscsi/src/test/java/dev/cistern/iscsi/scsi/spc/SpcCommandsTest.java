package dev.cistern.iscsi.scsi.spc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.ScsiFixture;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.ScsiStatus;
import dev.cistern.iscsi.scsi.Sense;
import org.junit.jupiter.api.Test;

import static dev.cistern.iscsi.scsi.ScsiFixture.A;
import static dev.cistern.iscsi.scsi.ScsiFixture.B;
import static dev.cistern.iscsi.scsi.ScsiFixture.cdb;
import static dev.cistern.iscsi.scsi.ScsiFixture.rw10;
import static org.assertj.core.api.Assertions.assertThat;

class SpcCommandsTest {
    private final ScsiFixture f = new ScsiFixture(1024, false);

    @Test
    void standardInquiryIdentifiesADiskAndCutsToTheAllocationLength() {
        byte[] full = f.run(cdb(0x12, 0, 0, 0, 255, 0)).dataIn();
        assertThat(full[0]).isZero();
        assertThat(new String(full, 8, 8)).isEqualTo("CISTERN ");
        assertThat(f.run(cdb(0x12, 0, 0, 0, 5, 0)).dataIn()).hasSize(5);
        assertThat(f.run(cdb(0x12, 0, 0x80, 0, 255, 0)).sense().asc()).isEqualTo(0x24); // page without EVPD
    }

    @Test
    void supportedVpdPagesAreAllServed() {
        byte[] p0 = f.run(cdb(0x12, 1, 0, 0, 255, 0)).dataIn();
        for (int i = 4; i < 4 + p0[3]; i++) {
            byte[] page = f.run(cdb(0x12, 1, p0[i] & 0xff, 0, 255, 0)).dataIn();
            assertThat(page[1]).isEqualTo(p0[i]);
        }
        byte[] p83 = f.run(cdb(0x12, 1, 0x83, 0, 255, 0)).dataIn();
        assertThat(p83[5] & 0x0f).isEqualTo(3); // first designator is NAA
        assertThat((p83[8] & 0xf0) >>> 4).isEqualTo(6);
    }

    @Test
    void modeSelectChangesWriteCacheAndDescriptorSense() {
        byte[] caching = f.run(cdb(0x1a, 0x08, 0x08, 0, 255, 0)).dataIn();
        assertThat(caching[4] & 0x3f).isEqualTo(0x08);
        assertThat(caching[6] & 0x04).isEqualTo(0x04); // WCE on
        byte[] param = new byte[4 + 12];
        param[4] = 0x0a;
        param[5] = 0x0a;
        param[6] = 0x04; // D_SENSE
        assertThat(f.run(cdb(0x15, 0x10, 0, 0, 16, 0), param).status()).isEqualTo(ScsiStatus.GOOD);
        ScsiResponse bad = f.run(rw10(0x28, 5000, 1));
        assertThat(f.lu.encodeSense(bad.sense())[0]).isEqualTo((byte) 0x72);
        param[4] = 0x01; // a page this target does not have
        assertThat(f.run(cdb(0x15, 0x10, 0, 0, 16, 0), param).sense().asc()).isEqualTo(0x26);
    }

    @Test
    void reportLunsAndSupportedOpcodesComeFromTheTables() {
        byte[] luns = f.run(cdb(0xa0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)).dataIn();
        assertThat(Bytes.u32(luns, 0)).isEqualTo(8);
        byte[] all = f.run(cdb(0xa3, 0x0c, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0)).dataIn();
        assertThat(Bytes.u32(all, 0) / 8).isEqualTo(f.lu.commands().all().size());
        byte[] one = f.run(cdb(0xa3, 0x0c, 1, 0x28, 0, 0, 0, 0, 1, 0, 0, 0)).dataIn();
        assertThat(one[1] & 0x07).isEqualTo(3);
        assertThat(one[4] & 0xff).isEqualTo(0x28);
        assertThat(f.run(cdb(0xa3, 0x0c, 1, 0x9e, 0, 0, 0, 0, 1, 0, 0, 0)).sense().asc()).isEqualTo(0x24);
    }

    @Test
    void unknownServiceActionIsAnInvalidFieldNotAnUnknownCommand() {
        ScsiResponse r = f.run(cdb(0x5e, 0x1f, 0, 0, 0, 0, 0, 0, 255, 0));
        assertThat(r.sense().key()).isEqualTo(Sense.ILLEGAL_REQUEST);
        assertThat(r.sense().asc()).isEqualTo(0x24);
    }

    @Test
    void reserve6HoldsTheUnitForOneNexus() {
        assertThat(f.run(A, cdb(0x16, 0, 0, 0, 0, 0), null, 0).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(f.run(B, rw10(0x28, 0, 1), null, 512).status()).isEqualTo(ScsiStatus.RESERVATION_CONFLICT);
        assertThat(f.run(B, cdb(0x12, 0, 0, 0, 36, 0), null, 36).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(f.run(B, cdb(0x17, 0, 0, 0, 0, 0), null, 0).status()).isEqualTo(ScsiStatus.GOOD); // no-op
        assertThat(f.run(B, rw10(0x28, 0, 1), null, 512).status()).isEqualTo(ScsiStatus.RESERVATION_CONFLICT);
        f.lu.attach(B);
        f.lu.reset(); // LUN reset: the reservation goes, and B hears of the reset once
        ScsiResponse ua = f.run(B, rw10(0x28, 0, 1), null, 512);
        assertThat(ua.sense().key()).isEqualTo(Sense.UNIT_ATTENTION);
        assertThat(ua.sense().asc()).isEqualTo(0x29);
        assertThat(f.run(B, rw10(0x28, 0, 1), null, 512).status()).isEqualTo(ScsiStatus.GOOD);
    }
}
