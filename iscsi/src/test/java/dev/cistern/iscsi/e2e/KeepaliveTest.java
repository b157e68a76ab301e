package dev.cistern.iscsi.e2e;

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

/** The target pings quiet initiators with NOP-In and drops those that no longer answer. */
class KeepaliveTest {
    private static final String IQN = "iqn.2026-11.dev.cistern:keepalive";

    @Test
    void answeredPingsKeepTheSessionAndAnUnansweredOneEndsIt() throws Exception {
        var def = MemoryTargets.definition(IQN, 1, 1L << 20, null, null, Set.of());
        IscsiTarget target = new IscsiTarget(() -> List.of(def), new InetSocketAddress("127.0.0.1", 0),
                Duration.ofMillis(300));
        target.start();
        try (TestInitiator t = new TestInitiator(target.port())) {
            assertThat(t.login("iqn.2026-11.test:quiet", IQN, new byte[]{0x40, 0, 0, 0, 0, 3})).isZero();
            t.socket.setSoTimeout(3000);
            for (int i = 0; i < 2; i++) {
                Pdu ping = t.read();
                assertThat(ping.opcode()).isEqualTo(Opcode.NOP_IN);
                assertThat(ping.itt()).isEqualTo(Pdu.NO_TAG);
                assertThat(ping.getInt(20)).isNotEqualTo(Pdu.NO_TAG);
                Pdu answer = Pdu.of(Opcode.NOP_OUT).flags(0x80).itt(Pdu.NO_TAG).putInt(20, ping.getInt(20))
                        .putInt(24, t.nextCmdSn()).putInt(28, t.expStatSn());
                answer.bhs()[0] |= 0x40;
                t.send(answer);
            }
            assertThat(t.ping()).isTrue();
            assertThat(target.sessions()).hasSize(1);
            Pdu unanswered = t.read();
            assertThat(unanswered.opcode()).isEqualTo(Opcode.NOP_IN);
            Pdu next;
            try {
                next = t.read();
            } catch (java.io.IOException e) {
                next = null;
            }
            assertThat(next).as("connection closed after the unanswered ping").isNull();
            long deadline = System.currentTimeMillis() + 3000;
            while (!target.sessions().isEmpty() && System.currentTimeMillis() < deadline) Thread.sleep(20);
            assertThat(target.sessions()).isEmpty();
        } finally {
            target.stop();
        }
    }

    @Test
    void anInitiatorThatStopsReadingIsDroppedToo() throws Exception {
        // the ping went out through the same blocking send as the stuck Data-In, so the keepalive thread
        // blocked behind it and never closed the connection: the session and its buffers stayed forever
        var def = MemoryTargets.definition(IQN, 1, 16L << 20, null, null, Set.of());
        IscsiTarget target = new IscsiTarget(() -> List.of(def), new InetSocketAddress("127.0.0.1", 0),
                Duration.ofMillis(300));
        target.start();
        try (TestInitiator t = new TestInitiator(target.port())) {
            assertThat(t.login("iqn.2026-11.test:deaf", IQN, new byte[]{0x40, 0, 0, 0, 0, 4})).isZero();
            for (int i = 0; i < 16; i++) { // 256 MiB of Data-In, far more than the socket buffers hold
                Pdu r = Pdu.of(Opcode.SCSI_COMMAND).flags(0xc1).itt(100 + i).putInt(20, 16 << 20)
                        .putInt(24, t.nextCmdSn() + i).putInt(28, t.expStatSn());
                r.putBytes(32, new byte[]{0x28, 0, 0, 0, 0, 0, 0, (byte) 0x80, 0, 0});
                t.send(r);
            }
            long deadline = System.currentTimeMillis() + 5000;
            while (!target.sessions().isEmpty() && System.currentTimeMillis() < deadline) Thread.sleep(20);
            assertThat(target.sessions()).as("session of an initiator that reads nothing").isEmpty();
        } finally {
            target.stop();
        }
    }
}
