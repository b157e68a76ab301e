package dev.cistern.iscsi.e2e;

import dev.cistern.iscsi.IscsiTarget;
import dev.cistern.iscsi.TargetDefinition;
import dev.cistern.iscsi.pdu.Opcode;
import dev.cistern.iscsi.pdu.Pdu;
import dev.cistern.iscsi.testing.MemoryTargets;
import dev.cistern.iscsi.testing.TestInitiator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Text Requests and Responses spanning PDUs (RFC 7143 11.10, 11.11). The target ignored the request's
 * C bit (a SendTargets split over two PDUs got an empty answer) and sent a SendTargets answer of any
 * length in one PDU, beyond the MaxRecvDataSegmentLength the initiator declared.
 */
class TextExchangeTest {
    private static final int TARGETS = 40;
    private IscsiTarget target;

    @BeforeEach
    void start() {
        TargetDefinition[] defs = new TargetDefinition[TARGETS];
        for (int i = 0; i < TARGETS; i++) {
            defs[i] = MemoryTargets.definition("iqn.2026-11.dev.cistern:a-rather-long-target-name-" + i, 1, 1L << 20,
                    null, null, Set.of());
        }
        target = MemoryTargets.start(defs);
    }

    @AfterEach
    void stop() {
        target.stop();
    }

    private TestInitiator discovery(int maxRecv, int n) throws Exception {
        TestInitiator t = new TestInitiator(target.port());
        assertThat(t.login("iqn.2026-11.test:text" + n, null, new byte[]{0x40, 0, 0, 0, 6, (byte) n}, false,
                Map.of("MaxRecvDataSegmentLength", Integer.toString(maxRecv)))).isZero();
        t.socket.setSoTimeout(5000);
        return t;
    }

    private static Pdu textRequest(TestInitiator t, int flags, int ttt, String text) {
        return Pdu.of(Opcode.TEXT_REQUEST).flags(flags).itt(40).putInt(20, ttt).putInt(24, t.takeCmdSn())
                .putInt(28, t.expStatSn()).data(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Follows the answer to its end, asking for each next piece; asserts each fits in {@code maxRecv}. */
    private static String wholeAnswer(TestInitiator t, Pdu first, int maxRecv) throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Pdu r = first;
        for (int pieces = 0; ; pieces++) {
            assertThat(pieces).as("the answer ends").isLessThan(1000);
            assertThat(r.opcode()).isEqualTo(Opcode.TEXT_RESPONSE);
            assertThat(r.data().length).as("a piece fits the initiator's MaxRecvDataSegmentLength")
                    .isLessThanOrEqualTo(maxRecv);
            text.writeBytes(r.data());
            if ((r.flags() & 0x80) != 0) {
                assertThat(r.flags() & 0x40).as("the final piece has C=0").isZero();
                assertThat(r.getInt(20)).as("the final piece has no TTT").isEqualTo(Pdu.NO_TAG);
                return text.toString(StandardCharsets.UTF_8);
            }
            assertThat(r.getInt(20)).as("a partial answer carries a TTT").isNotEqualTo(Pdu.NO_TAG);
            t.send(textRequest(t, 0x80, r.getInt(20), ""));
            r = t.read();
        }
    }

    private static void assertAllTargets(String answer) {
        for (int i = 0; i < TARGETS; i++) {
            assertThat(answer).contains("TargetName=iqn.2026-11.dev.cistern:a-rather-long-target-name-" + i + "\0");
        }
        assertThat(answer.split("\0")).hasSize(2 * TARGETS);
    }

    @Test
    void aLongSendTargetsAnswerIsSplitToTheInitiatorsMaxRecvDataSegmentLength() throws Exception {
        try (TestInitiator t = discovery(512, 1)) {
            t.send(textRequest(t, 0x80, Pdu.NO_TAG, "SendTargets=All\0"));
            Pdu first = t.read();
            assertThat(first.data().length).isLessThanOrEqualTo(512);
            assertAllTargets(wholeAnswer(t, first, 512));
            assertThat(t.ping()).isTrue();
        }
    }

    @Test
    void aRequestContinuedOverTwoPdusIsGatheredBeforeItIsAnswered() throws Exception {
        try (TestInitiator t = discovery(262144, 2)) {
            t.send(textRequest(t, 0x40, Pdu.NO_TAG, "SendTarg")); // C=1, F=0: more text follows
            Pdu ack = t.read();
            assertThat(ack.opcode()).isEqualTo(Opcode.TEXT_RESPONSE);
            assertThat(ack.data()).as("an empty response asks for the rest").isEmpty();
            assertThat(ack.flags() & 0xc0).isZero();
            assertThat(ack.getInt(20)).isNotEqualTo(Pdu.NO_TAG);
            t.send(textRequest(t, 0x80, ack.getInt(20), "ets=All\0"));
            assertAllTargets(wholeAnswer(t, t.read(), 262144));
        }
    }

    @Test
    void aContinuationWithATagTheTargetNeverGaveIsRejected() throws Exception {
        try (TestInitiator t = discovery(512, 3)) {
            t.send(textRequest(t, 0x80, 12345, ""));
            Pdu r = t.read();
            assertThat(r.opcode()).isEqualTo(Opcode.REJECT);
            assertThat(t.ping()).isTrue();
        }
    }
}
