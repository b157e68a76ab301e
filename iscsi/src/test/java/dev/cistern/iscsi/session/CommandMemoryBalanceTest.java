package dev.cistern.iscsi.session;

import dev.cistern.iscsi.IscsiTarget;
import dev.cistern.iscsi.pdu.Opcode;
import dev.cistern.iscsi.pdu.Pdu;
import dev.cistern.iscsi.testing.MemoryTargets;
import dev.cistern.iscsi.testing.TestInitiator;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever a connection takes of the target's command-data budgets it gives back, however its commands end. */
class CommandMemoryBalanceTest {
    @Test
    void anAbortedQueuedCommandGivesBackWhatItTookOnce() throws Exception {
        // an aborted command queued ahead of its CmdSN keeps its place as a placeholder, which was given
        // back to the budget again when ExpCmdSN passed it and when the connection ended
        CommandMemory memory = new CommandMemory(16L << 20);
        String iqn = "iqn.2026-11.dev.cistern:balance";
        var def = MemoryTargets.definition(iqn, 1, 16L << 20, null, null, Set.of());
        IscsiTarget target = new IscsiTarget(() -> List.of(def), new InetSocketAddress("127.0.0.1", 0),
                Duration.ofSeconds(30), memory);
        target.start();
        try {
            try (TestInitiator t = new TestInitiator(target.port())) {
                assertThat(t.login("iqn.2026-11.test:balance", iqn, new byte[]{0x40, 0, 0, 0, 10, 1})).isZero();
                int sn = t.nextCmdSn();
                byte[] read10 = {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0};
                Pdu ahead = Pdu.of(Opcode.SCSI_COMMAND).flags(0xc1).itt(11).putInt(20, 512).putInt(24, sn + 1)
                        .putInt(28, t.expStatSn());
                t.send(ahead.putBytes(32, read10)); // queued behind the hole at CmdSN n
                Pdu abort = Pdu.of(Opcode.TASK_MGMT_REQUEST).flags(0x80 | 1).itt(12).putInt(20, 11)
                        .putInt(24, sn).putInt(28, t.expStatSn()).putInt(32, sn + 1);
                abort.bhs()[0] |= 0x40;
                t.send(abort);
                assertThat(t.read().opcode()).isEqualTo(Opcode.TASK_MGMT_RESPONSE);
                Pdu hole = Pdu.of(Opcode.SCSI_COMMAND).flags(0xc1).itt(13).putInt(20, 512).putInt(24, sn)
                        .putInt(28, t.expStatSn());
                t.send(hole.putBytes(32, read10)); // ExpCmdSN moves past the aborted one's place
                assertThat(t.read().itt()).isEqualTo(13);
                Pdu ahead2 = Pdu.of(Opcode.SCSI_COMMAND).flags(0xc1).itt(14).putInt(20, 512).putInt(24, sn + 3)
                        .putInt(28, t.expStatSn());
                t.send(ahead2.putBytes(32, read10)); // queued again behind CmdSN n+2
                Pdu abort2 = Pdu.of(Opcode.TASK_MGMT_REQUEST).flags(0x80 | 1).itt(15).putInt(20, 14)
                        .putInt(24, sn + 2).putInt(28, t.expStatSn()).putInt(32, sn + 3);
                abort2.bhs()[0] |= 0x40;
                t.send(abort2);
                assertThat(t.read().opcode()).isEqualTo(Opcode.TASK_MGMT_RESPONSE);
            } // the connection ends with the placeholder still queued
            long until = System.currentTimeMillis() + 3000;
            while (!target.sessions().isEmpty() && System.currentTimeMillis() < until) Thread.sleep(20);
            Thread.sleep(100);
            assertThat(memory.writes.used()).as("write budget held after the connection ended").isZero();
        } finally {
            target.stop();
        }
    }
}
