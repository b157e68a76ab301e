package dev.cistern.iscsi.pdu;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes PDUs with padding and the negotiated digests. One writer per connection, shared by the
 * threads answering commands: each PDU goes out whole.
 */
public final class PduWriter {
    private final OutputStream out;
    private final DigestSettings digests;

    public PduWriter(OutputStream out, DigestSettings digests) {
        this.out = out;
        this.digests = digests;
    }

    public void write(Pdu pdu) throws IOException {
        synchronized (this) {
            writeNoFlush(pdu);
            out.flush();
        }
    }

    /** Encodes one PDU into wire bytes using the given digest choices. */
    public static byte[] encode(Pdu pdu, boolean headerDigest, boolean dataDigest) {
        pdu.sealLengths();
        byte[] ahs = pdu.ahs();
        byte[] data = pdu.data();
        int hdr = Pdu.BHS_LENGTH + ahs.length;
        int padded = (data.length + 3) & ~3;
        int total = hdr + (headerDigest ? 4 : 0) + padded + (dataDigest && data.length > 0 ? 4 : 0);
        byte[] buf = new byte[total];
        System.arraycopy(pdu.bhs(), 0, buf, 0, Pdu.BHS_LENGTH);
        System.arraycopy(ahs, 0, buf, Pdu.BHS_LENGTH, ahs.length);
        int pos = hdr;
        if (headerDigest) {
            Crc32c.putLe(buf, pos, Crc32c.of(buf, 0, hdr));
            pos += 4;
        }
        System.arraycopy(data, 0, buf, pos, data.length);
        int dataStart = pos;
        pos += padded;
        if (dataDigest && data.length > 0) {
            Crc32c.putLe(buf, pos, Crc32c.of(buf, dataStart, padded));
        }
        return buf;
    }

    private void writeNoFlush(Pdu pdu) throws IOException {
        out.write(encode(pdu, digests.header(), digests.data()));
    }
}
