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

    /** Small PDUs go out in one write; big data segments are written from the PDU's own array, uncopied. */
    private void writeNoFlush(Pdu pdu) throws IOException {
        byte[] data = pdu.data();
        if (data.length <= COPY_LIMIT) {
            out.write(encode(pdu, digests.header(), digests.data()));
            return;
        }
        pdu.data(new byte[0]);
        byte[] header = encode(pdu, digests.header(), false);
        pdu.data(data);
        pdu.sealLengths();
        // the header digest was computed with a zero length field: recompute over the real header
        System.arraycopy(pdu.bhs(), 0, header, 0, Pdu.BHS_LENGTH);
        if (digests.header()) {
            int hdr = Pdu.BHS_LENGTH + pdu.ahs().length;
            Crc32c.putLe(header, hdr, Crc32c.of(header, 0, hdr));
        }
        out.write(header);
        out.write(data);
        int pad = ((data.length + 3) & ~3) - data.length;
        byte[] tail = new byte[pad + (digests.data() ? 4 : 0)];
        if (digests.data()) Crc32c.putLe(tail, pad, Crc32c.of(data, new byte[pad]));
        if (tail.length > 0) out.write(tail);
    }

    private static final int COPY_LIMIT = 16 * 1024;
}
