package dev.cistern.iscsi.pdu;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One iSCSI PDU: the 48-byte basic header segment, optional additional header segments and the data
 * segment. Digests and padding are wire concerns handled by {@link PduReader}/{@link PduWriter}.
 * Field accessors use the offsets common to all PDU types (RFC 7143 section 11.2); opcode-specific
 * fields are read with the raw getters at the offsets the spec gives.
 */
public final class Pdu {
    public static final int BHS_LENGTH = 48;
    public static final int NO_TAG = 0xffffffff;

    private final byte[] bhs;
    private byte[] ahs;
    private byte[] data;

    public Pdu(byte[] bhs, byte[] ahs, byte[] data) {
        if (bhs.length != BHS_LENGTH) throw new IllegalArgumentException("BHS must be 48 bytes");
        this.bhs = bhs;
        this.ahs = ahs == null ? new byte[0] : ahs;
        this.data = data == null ? new byte[0] : data;
    }

    /** A new outgoing PDU with the given opcode and everything else zero. */
    public static Pdu of(int opcode) {
        Pdu p = new Pdu(new byte[BHS_LENGTH], null, null);
        p.bhs[0] = (byte) (opcode & 0x3f);
        return p;
    }

    public byte[] bhs() {
        return bhs;
    }

    public byte[] ahs() {
        return ahs;
    }

    public byte[] data() {
        return data;
    }

    public Pdu data(byte[] d) {
        this.data = d == null ? new byte[0] : d;
        return this;
    }

    public int opcode() {
        return bhs[0] & 0x3f;
    }

    public boolean immediate() {
        return (bhs[0] & 0x40) != 0;
    }

    public int flags() {
        return bhs[1] & 0xff;
    }

    public Pdu flags(int f) {
        bhs[1] = (byte) f;
        return this;
    }

    public boolean finalBit() {
        return (bhs[1] & 0x80) != 0;
    }

    public int totalAhsLength() {
        return bhs[4] & 0xff;
    }

    public int dataSegmentLength() {
        return ((bhs[5] & 0xff) << 16) | ((bhs[6] & 0xff) << 8) | (bhs[7] & 0xff);
    }

    public long lun() {
        return getLong(8);
    }

    public Pdu lun(long lun) {
        return putLong(8, lun);
    }

    public int itt() {
        return getInt(16);
    }

    public Pdu itt(int itt) {
        return putInt(16, itt);
    }

    public int getByte(int off) {
        return bhs[off] & 0xff;
    }

    public Pdu putByte(int off, int v) {
        bhs[off] = (byte) v;
        return this;
    }

    public int getShort(int off) {
        return ((bhs[off] & 0xff) << 8) | (bhs[off + 1] & 0xff);
    }

    public Pdu putShort(int off, int v) {
        bhs[off] = (byte) (v >>> 8);
        bhs[off + 1] = (byte) v;
        return this;
    }

    public int getInt(int off) {
        return ByteBuffer.wrap(bhs).getInt(off);
    }

    public Pdu putInt(int off, int v) {
        ByteBuffer.wrap(bhs).putInt(off, v);
        return this;
    }

    public long getLong(int off) {
        return ByteBuffer.wrap(bhs).getLong(off);
    }

    public Pdu putLong(int off, long v) {
        ByteBuffer.wrap(bhs).putLong(off, v);
        return this;
    }

    public byte[] range(int off, int len) {
        return Arrays.copyOfRange(bhs, off, off + len);
    }

    public Pdu putBytes(int off, byte[] src) {
        System.arraycopy(src, 0, bhs, off, src.length);
        return this;
    }

    /** Fills the length fields from the AHS and data arrays; called just before sending. */
    void sealLengths() {
        bhs[4] = (byte) (ahs.length / 4);
        int n = data.length;
        bhs[5] = (byte) (n >>> 16);
        bhs[6] = (byte) (n >>> 8);
        bhs[7] = (byte) n;
    }

    @Override
    public String toString() {
        return String.format("Pdu[op=0x%02x flags=0x%02x itt=0x%08x dsl=%d]", opcode(), flags(), itt(), data.length);
    }
}
