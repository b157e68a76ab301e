package dev.cistern.iscsi.e2e;

import dev.cistern.iscsi.IscsiTarget;
import dev.cistern.iscsi.LunDefinition;
import dev.cistern.iscsi.ReservationStore;
import dev.cistern.iscsi.SanitizeStore;
import dev.cistern.iscsi.TargetDefinition;
import dev.cistern.iscsi.pdu.Opcode;
import dev.cistern.iscsi.pdu.Pdu;
import dev.cistern.iscsi.testing.HeldVolume;
import dev.cistern.iscsi.testing.MemoryBlockVolume;
import dev.cistern.iscsi.testing.MemoryTargets;
import dev.cistern.iscsi.testing.TestInitiator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LOGICAL UNIT RESET completes only when the unit's commands of every session have (SAM-5 6.3.3): it
 * answered "function complete" while another session's WRITE was still running, so the initiator could
 * believe the unit quiet and then see that write land.
 */
class LunResetWaitTest {
    private static final String IQN = "iqn.2026-11.dev.cistern:lunreset";

    @Test
    void aLunResetWaitsForTheRunningCommandsOfOtherSessions() throws Exception {
        HeldVolume volume = HeldVolume.writes(new MemoryBlockVolume(16L << 20, 512));
        IscsiTarget target = MemoryTargets.start(new TargetDefinition(IQN,
                List.of(new LunDefinition(0, () -> volume, ReservationStore.inMemory(), SanitizeStore.inMemory())), null, null, Set.of()));
        try (TestInitiator writer = new TestInitiator(target.port());
             TestInitiator resetter = new TestInitiator(target.port())) {
            assertThat(writer.login("iqn.2026-11.test:writer", IQN, new byte[]{0x40, 0, 0, 0, 6, 1})).isZero();
            assertThat(resetter.login("iqn.2026-11.test:resetter", IQN, new byte[]{0x40, 0, 0, 0, 6, 2})).isZero();
            Thread w = Thread.ofVirtual().start(() -> {
                try {
                    writer.command(0, new byte[]{0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0}, new byte[512], 0);
                } catch (Exception e) {
                    // the reset may end the task; what the test looks at is when the reset answered
                }
            });
            assertThat(volume.awaitHeld()).isTrue();
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                volume.release();
            });
            resetter.socket.setSoTimeout(10_000);
            Pdu tmf = Pdu.of(Opcode.TASK_MGMT_REQUEST).flags(0x80 | 5).itt(900).putInt(20, Pdu.NO_TAG)
                    .putInt(24, resetter.nextCmdSn()).putInt(28, resetter.expStatSn());
            tmf.bhs()[0] |= 0x40;
            resetter.send(tmf);
            Pdu r = resetter.read();
            assertThat(r.opcode()).isEqualTo(Opcode.TASK_MGMT_RESPONSE);
            assertThat(r.getByte(2)).as("function complete").isZero();
            assertThat(volume.done()).as("the other session's WRITE had finished when the reset answered").isTrue();
            w.join(10_000);
        } finally {
            volume.release();
            target.stop();
        }
    }
}
