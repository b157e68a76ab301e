package dev.cistern.iscsi.pdu;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PduCodecTest {

    private static Pdu sample() {
        Pdu p = Pdu.of(Opcode.SCSI_COMMAND).flags(0xa1).lun(0x0001000000000000L).itt(0x1234).putInt(20, 4096);
        p.data(new byte[]{1, 2, 3, 4, 5}); // odd length: exercises padding
        return p;
    }

    private static PduReader reader(byte[] wire, boolean header, boolean data) {
        DigestSettings d = new DigestSettings();
        d.set(header, data);
        d.maxRecvDataSegment(65536);
        return new PduReader(new ByteArrayInputStream(wire), d);
    }

    @Test
    void crc32cMatchesTheRfc3720TestVector() {
        // RFC 3720 appendix B.4: 32 bytes of zeros give CRC 0x8a9136aa
        assertThat(Crc32c.of(new byte[32], 0, 32)).isEqualTo(0x8a9136aa);
    }

    @Test
    void roundTripsWithAndWithoutDigests() throws Exception {
        for (boolean h : new boolean[]{false, true}) {
            for (boolean d : new boolean[]{false, true}) {
                byte[] wire = PduWriter.encode(sample(), h, d);
                assertThat(wire.length).isEqualTo(48 + (h ? 4 : 0) + 8 + (d ? 4 : 0));
                Pdu back = reader(wire, h, d).read();
                assertThat(back.opcode()).isEqualTo(Opcode.SCSI_COMMAND);
                assertThat(back.flags()).isEqualTo(0xa1);
                assertThat(back.itt()).isEqualTo(0x1234);
                assertThat(back.lun()).isEqualTo(0x0001000000000000L);
                assertThat(back.data()).containsExactly(1, 2, 3, 4, 5);
            }
        }
    }

    @Test
    void headerDigestMismatchIsAProtocolError() {
        byte[] wire = PduWriter.encode(sample(), true, false);
        wire[20] ^= 1;
        assertThatThrownBy(() -> reader(wire, true, false).read()).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("header digest");
    }

    @Test
    void dataDigestMismatchKeepsTheStreamInStep() throws Exception {
        byte[] one = PduWriter.encode(sample(), false, true);
        one[49] ^= 1;
        byte[] two = PduWriter.encode(sample(), false, true);
        byte[] wire = Arrays.copyOf(one, one.length + two.length);
        System.arraycopy(two, 0, wire, one.length, two.length);
        PduReader r = reader(wire, false, true);
        assertThatThrownBy(r::read).isInstanceOf(DataDigestException.class);
        assertThat(r.read().itt()).isEqualTo(0x1234); // the next PDU is read intact
    }

    @Test
    void oversizedDataSegmentIsRefusedBeforeAllocation() {
        byte[] wire = PduWriter.encode(sample(), false, false);
        wire[5] = (byte) 0xff; // 16 MiB data segment announced
        assertThatThrownBy(() -> reader(wire, false, false).read()).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("exceeds MaxRecvDataSegmentLength");
    }

    @Test
    void cleanEndOfStreamIsNullButATruncatedHeaderIsAnError() throws Exception {
        assertThat(reader(new byte[0], false, false).read()).isNull();
        assertThatThrownBy(() -> reader(new byte[20], false, false).read())
                .isInstanceOf(java.io.EOFException.class);
    }
}
