package dev.cistern.iscsi.pdu;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads whole PDUs off a byte stream: header, AHS, header digest, data segment, padding, data digest.
 * Framing problems that leave the stream position in doubt (bad header digest, oversized segment) are
 * {@link ProtocolException}s and end the connection; a bad data digest is reported per PDU.
 */
public final class PduReader {
    private final InputStream in;
    private final DigestSettings digests;

    public PduReader(InputStream in, DigestSettings digests) {
        this.in = in;
        this.digests = digests;
    }

    /** The next PDU, or null when the peer closed the connection cleanly between PDUs. */
    public Pdu read() throws IOException, ProtocolException, DataDigestException {
        byte[] bhs = new byte[Pdu.BHS_LENGTH];
        int first = in.read();
        if (first < 0) return null;
        bhs[0] = (byte) first;
        readFully(bhs, 1, Pdu.BHS_LENGTH - 1);
        int ahsLen = (bhs[4] & 0xff) * 4;
        int dataLen = ((bhs[5] & 0xff) << 16) | ((bhs[6] & 0xff) << 8) | (bhs[7] & 0xff);
        byte[] ahs = new byte[ahsLen];
        readFully(ahs, 0, ahsLen);
        if (digests.header()) {
            byte[] d = new byte[4];
            readFully(d, 0, 4);
            if (Crc32c.getLe(d, 0) != Crc32c.of(bhs, ahs)) {
                throw new ProtocolException("header digest mismatch");
            }
        }
        if (dataLen > digests.maxRecvDataSegment()) {
            throw new OversizedSegmentException(new Pdu(bhs, ahs, new byte[0]), dataLen, digests.maxRecvDataSegment());
        }
        int padded = (dataLen + 3) & ~3;
        byte[] data = new byte[dataLen];
        readFully(data, 0, dataLen);
        if (padded > dataLen) readFully(new byte[padded - dataLen], 0, padded - dataLen);
        Pdu pdu = new Pdu(bhs, ahs, data);
        if (digests.data() && dataLen > 0) {
            byte[] d = new byte[4];
            readFully(d, 0, 4);
            CrcPad crc = new CrcPad(data, padded - dataLen);
            if (Crc32c.getLe(d, 0) != crc.value()) throw new DataDigestException(pdu);
        }
        return pdu;
    }

    private void readFully(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = in.read(b, off, len);
            if (n < 0) throw new EOFException("connection closed inside a PDU");
            off += n;
            len -= n;
        }
    }

    /** The data digest covers the data and its zero padding. */
    record CrcPad(byte[] data, int pad) {
        int value() {
            return Crc32c.of(data, new byte[pad]);
        }
    }
}
