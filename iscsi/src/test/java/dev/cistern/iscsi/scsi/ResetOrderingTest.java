package dev.cistern.iscsi.scsi;

import static dev.cistern.iscsi.scsi.ScsiFixture.A;
import static dev.cistern.iscsi.scsi.ScsiFixture.B;
import static dev.cistern.iscsi.scsi.ScsiFixture.filled;
import static dev.cistern.iscsi.scsi.ScsiFixture.rw10;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.iscsi.ReservationStore;
import dev.cistern.iscsi.SanitizeStore;
import dev.cistern.iscsi.scsi.sbc.DiskModel;
import dev.cistern.iscsi.scsi.spc.Reservations;
import dev.cistern.iscsi.testing.HeldVolume;
import dev.cistern.iscsi.testing.MemoryBlockVolume;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A LOGICAL UNIT RESET answers once the unit's running commands have finished, and every command that runs
 * after it sees its unit attention (SAM-5 6.3.3). A command that arrived during the reset, passed the unit
 * attention check before the reset set it, and waited for the reset to finish, used to run as if no reset
 * had happened.
 */
class ResetOrderingTest {
    @Test
    void aCommandThatWaitedForAResetSeesItsUnitAttention() throws Exception {
        HeldVolume held = HeldVolume.writes(new MemoryBlockVolume(1 << 20, 512));
        LogicalUnit lu = new LogicalUnit(0, held, DiskModel.commands(), new Reservations(ReservationStore.inMemory()),
                SanitizeStore.inMemory(), "CSTRST");
        lu.attach(A);
        lu.attach(B);
        // a WRITE of A runs, held in the volume: the reset must wait for it
        Thread writer = Thread.ofVirtual().start(() -> lu.execute(new ScsiRequest(rw10(0x2a, 0, 1), filled(512, 'w'), 0, A, new int[] {0})));
        assertThat(held.awaitHeld()).isTrue();
        Thread resetter = Thread.ofVirtual().start(lu::reset);
        waitUntilBlocked(resetter);
        // B's READ arrives now: no unit attention is pending yet, and it waits behind the reset
        AtomicReference<ScsiResponse> read = new AtomicReference<>();
        Thread reader = Thread.ofVirtual().start(() -> read.set(lu.execute(new ScsiRequest(rw10(0x28, 0, 1), null, 512, B, new int[] {0}))));
        waitUntilBlocked(reader);
        held.release();
        writer.join(10_000);
        resetter.join(10_000);
        reader.join(10_000);
        assertThat(read.get().status()).isEqualTo(ScsiStatus.CHECK_CONDITION);
        assertThat(read.get().sense()).isEqualTo(new Sense(Sense.UNIT_ATTENTION, 0x29, 0x03));
    }

    private static void waitUntilBlocked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline) throw new AssertionError(t + " did not block");
            Thread.sleep(2);
        }
        Thread.sleep(20); // parked for good, not just passing through a wait
    }
}
