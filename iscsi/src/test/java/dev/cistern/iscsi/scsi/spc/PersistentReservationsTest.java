package dev.cistern.iscsi.scsi.spc;

import dev.cistern.iscsi.ReservationStore;
import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.ItNexus;
import dev.cistern.iscsi.scsi.ScsiFixture;
import dev.cistern.iscsi.scsi.ScsiStatus;
import org.junit.jupiter.api.Test;

import static dev.cistern.iscsi.scsi.ScsiFixture.A;
import static dev.cistern.iscsi.scsi.ScsiFixture.B;
import static dev.cistern.iscsi.scsi.ScsiFixture.cdb;
import static dev.cistern.iscsi.scsi.ScsiFixture.rw10;
import static org.assertj.core.api.Assertions.assertThat;

class PersistentReservationsTest {
    private final ReservationStore store = ReservationStore.inMemory();
    private final ScsiFixture f = new ScsiFixture(1024, false, store);

    private int prOut(ScsiFixture fx, ItNexus n, int sa, int type, long key, long saKey) {
        byte[] p = new byte[24];
        Bytes.putLong(p, 0, key);
        Bytes.putLong(p, 8, saKey);
        return fx.run(n, cdb(0x5f, sa, type, 0, 0, 0, 0, 0, 24, 0), p, 0).status();
    }

    private static byte[] prIn(ScsiFixture fx, int sa) {
        return fx.run(A, cdb(0x5e, sa, 0, 0, 0, 0, 0, 0x10, 0, 0), null, 4096).dataIn();
    }

    @Test
    void writeExclusiveLetsOthersReadButNotWrite() {
        assertThat(prOut(f, A, 0, 0, 0, 0xaa)).isEqualTo(ScsiStatus.GOOD);
        assertThat(prOut(f, A, 1, Reservations.WRITE_EXCLUSIVE, 0xaa, 0)).isEqualTo(ScsiStatus.GOOD);
        assertThat(f.run(B, rw10(0x28, 0, 1), null, 512).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(f.run(B, rw10(0x2a, 0, 1), new byte[512], 0).status()).isEqualTo(ScsiStatus.RESERVATION_CONFLICT);
        assertThat(f.run(A, rw10(0x2a, 0, 1), new byte[512], 0).status()).isEqualTo(ScsiStatus.GOOD);
        byte[] rr = prIn(f, 1);
        assertThat(Bytes.u32(rr, 4)).isEqualTo(16);
        assertThat(Bytes.u64(rr, 8)).isEqualTo(0xaa);
        assertThat(rr[21]).isEqualTo((byte) Reservations.WRITE_EXCLUSIVE);
    }

    @Test
    void wrongKeysConflictAndPreemptTakesTheReservationOver() {
        assertThat(prOut(f, A, 0, 0, 0, 0xaa)).isEqualTo(ScsiStatus.GOOD);
        assertThat(prOut(f, B, 0, 0, 0, 0xbb)).isEqualTo(ScsiStatus.GOOD);
        assertThat(prOut(f, B, 0, 0, 0x99, 0xcc)).isEqualTo(ScsiStatus.RESERVATION_CONFLICT);
        assertThat(prOut(f, A, 1, Reservations.EXCLUSIVE_ACCESS, 0xaa, 0)).isEqualTo(ScsiStatus.GOOD);
        assertThat(f.run(B, rw10(0x28, 0, 1), null, 512).status()).isEqualTo(ScsiStatus.RESERVATION_CONFLICT);
        assertThat(prOut(f, B, 4, Reservations.EXCLUSIVE_ACCESS, 0xbb, 0xaa)).isEqualTo(ScsiStatus.GOOD);
        byte[] keys = prIn(f, 0);
        assertThat(Bytes.u32(keys, 4)).isEqualTo(8); // A's registration is gone
        assertThat(Bytes.u64(keys, 8)).isEqualTo(0xbb);
        assertThat(f.run(A, rw10(0x28, 0, 1), null, 512).status()).isEqualTo(ScsiStatus.RESERVATION_CONFLICT);
    }

    @Test
    void stateSurvivesAReloadFromTheStore() {
        prOut(f, A, 0, 0, 0, 0xaa);
        prOut(f, B, 0, 0, 0, 0xbb);
        prOut(f, A, 1, Reservations.WRITE_EXCLUSIVE_REGISTRANTS_ONLY, 0xaa, 0);
        int generation = Bytes.u16(prIn(f, 0), 2);
        ScsiFixture restarted = new ScsiFixture(1024, false, store);
        byte[] keys = prIn(restarted, 0);
        assertThat(Bytes.u16(keys, 2)).isEqualTo(generation);
        assertThat(Bytes.u32(keys, 4)).isEqualTo(16);
        byte[] rr = prIn(restarted, 1);
        assertThat(rr[21]).isEqualTo((byte) Reservations.WRITE_EXCLUSIVE_REGISTRANTS_ONLY);
        ItNexus c = new ItNexus("iqn.1994-05.com.example:c", "400001020306", "iqn.t:x");
        assertThat(restarted.run(c, rw10(0x2a, 0, 1), new byte[512], 0).status())
                .isEqualTo(ScsiStatus.RESERVATION_CONFLICT);
        assertThat(restarted.run(B, rw10(0x2a, 0, 1), new byte[512], 0).status()).isEqualTo(ScsiStatus.GOOD);
    }

    @Test
    void releaseWithTheWrongTypeIsAnInvalidRelease() {
        prOut(f, A, 0, 0, 0, 0xaa);
        prOut(f, A, 1, Reservations.WRITE_EXCLUSIVE, 0xaa, 0);
        byte[] p = new byte[24];
        Bytes.putLong(p, 0, 0xaa);
        var r = f.run(A, cdb(0x5f, 2, Reservations.EXCLUSIVE_ACCESS, 0, 0, 0, 0, 0, 24, 0), p, 0);
        assertThat(r.sense().asc()).isEqualTo(0x26);
        assertThat(r.sense().ascq()).isEqualTo(0x04);
    }

    @Test
    void codecRefusesUnknownFormats() {
        byte[] blob = ReservationCodec.encode(new ReservationCodec.State(java.util.Map.of("x,i,0x1", 5L), 3, "x,i,0x1",
                1, true));
        assertThat(ReservationCodec.decode(blob).registrations()).containsEntry("x,i,0x1", 5L);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReservationCodec.decode("cistern-pr 9\n".getBytes()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void registrationsAreBoundedWithInsufficientRegistrationResources() {
        // registrations outlive sessions: initiator ports registering one after another grew them without end
        for (int i = 0; i < Reservations.MAX_REGISTRATIONS; i++) {
            ItNexus n = new ItNexus("iqn.1994-05.com.example:h" + i, "400001020304", "iqn.t:x");
            assertThat(prOut(f, n, 0, 0, 0, 0x1000 + i)).isEqualTo(ScsiStatus.GOOD);
        }
        ItNexus extra = new ItNexus("iqn.1994-05.com.example:one-too-many", "400001020304", "iqn.t:x");
        byte[] p = new byte[24];
        Bytes.putLong(p, 8, 0xbeef);
        var r = f.run(extra, cdb(0x5f, 0, 0, 0, 0, 0, 0, 0, 24, 0), p, 0);
        assertThat(r.status()).isEqualTo(ScsiStatus.CHECK_CONDITION);
        assertThat(r.sense().key()).isEqualTo(0x05); // ILLEGAL REQUEST
        assertThat(r.sense().asc()).isEqualTo(0x55);
        assertThat(r.sense().ascq()).isEqualTo(0x04); // INSUFFICIENT REGISTRATION RESOURCES
        assertThat(f.lu.reservations().registrations()).hasSize(Reservations.MAX_REGISTRATIONS)
                .doesNotContainKey(extra.initiatorPort());
        // a registered port may still change or drop its key, after which another port may register
        ItNexus first = new ItNexus("iqn.1994-05.com.example:h0", "400001020304", "iqn.t:x");
        assertThat(prOut(f, first, 0, 0, 0x1000, 0x2000)).isEqualTo(ScsiStatus.GOOD);
        assertThat(prOut(f, first, 0, 0, 0x2000, 0)).isEqualTo(ScsiStatus.GOOD);
        assertThat(f.run(extra, cdb(0x5f, 0, 0, 0, 0, 0, 0, 0, 24, 0), p, 0).status()).isEqualTo(ScsiStatus.GOOD);
    }
}
