package dev.cistern.iscsi.scsi.sbc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.Sense;
import dev.cistern.iscsi.scsi.spc.Inquiry;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * EXTENDED COPY (LID1, SPC-4 6.3) and RECEIVE COPY RESULTS (SPC-4 6.18) for copies inside one logical
 * unit: identification target descriptors (0xE4) naming this unit by its NAA id, block-to-block segment
 * descriptors (0x02). The copy runs synchronously, so status is final when EXTENDED COPY completes;
 * hosts use it to clone VM disks without moving the data over the wire. Copied blocks deduplicate
 * against their source in the engine, so a copy costs no space.
 */
public final class ExtendedCopy {
    static final int MAX_TARGET_DESCRIPTORS = 4;
    static final int MAX_SEGMENT_DESCRIPTORS = 16;
    static final int MAX_DESCRIPTOR_LIST = MAX_TARGET_DESCRIPTORS * 32 + MAX_SEGMENT_DESCRIPTORS * 64;
    static final int MAX_SEGMENT_BYTES = 32 * 1024 * 1024;
    private static final int HEADER = 16;
    private static final int PIECE = 1 << 20;

    private ExtendedCopy() {
    }

    public static ScsiResponse extendedCopy(LogicalUnit lu, ScsiRequest r) {
        long length = Bytes.u32(r.cdb(), 10);
        if (length == 0) return ScsiResponse.wrote(0);
        byte[] p = r.dataOut();
        if (length < HEADER || p.length < length) throw CheckCondition.parameterListLength();
        int listId = p[0] & 0xff;
        int tgtLen = Bytes.u16(p, 2);
        long segLen = Bytes.u32(p, 8);
        long inlineLen = Bytes.u32(p, 12);
        if (tgtLen + segLen > MAX_DESCRIPTOR_LIST) throw CheckCondition.parameterListLength();
        if (HEADER + tgtLen + segLen + inlineLen > length) throw CheckCondition.parameterListLength();
        if (inlineLen != 0 || tgtLen % 32 != 0) throw CheckCondition.invalidFieldInParameterList();
        int targets = tgtLen / 32;
        if (targets > MAX_TARGET_DESCRIPTORS) throw illegal(0x26, 0x06); // too many target descriptors
        byte[] naa = Inquiry.naa(lu);
        for (int i = 0; i < targets; i++) {
            int off = HEADER + 32 * i;
            if ((p[off] & 0xff) != 0xe4) throw illegal(0x26, 0x07); // unsupported target descriptor type
        }
        // segment descriptors: validate all before copying anything
        int segStart = HEADER + tgtLen;
        int count = 0;
        for (long off = segStart; off < segStart + segLen; ) {
            if (off + 4 > segStart + segLen) throw CheckCondition.parameterListLength();
            if (++count > MAX_SEGMENT_DESCRIPTORS) throw illegal(0x26, 0x08); // too many segment descriptors
            int type = p[(int) off] & 0xff;
            int len = Bytes.u16(p, (int) off + 2) + 4;
            if (type != 0x02) throw illegal(0x26, 0x09); // unsupported segment descriptor type
            if (len != 28 || off + len > segStart + segLen) throw CheckCondition.parameterListLength();
            off += len;
        }
        for (int i = 0; i < targets; i++) {
            int off = HEADER + 32 * i;
            boolean thisUnit = (p[off + 4] & 0x0f) == 0x01 && (p[off + 5] & 0x3f) == 0x03 && (p[off + 7] & 0xff) == 16
                    && Arrays.equals(p, off + 8, off + 24, naa, 0, 16);
            int blockSize = Bytes.u24(p, off + 29);
            if (!thisUnit || blockSize != 0 && blockSize != lu.blockSize()) throw copyAborted(0x0d, 0x02);
        }
        if (lu.writeProtected()) throw CheckCondition.writeProtected();
        long bytes = 0;
        int done = 0;
        for (int off = segStart; off < segStart + segLen; off += 28) {
            int src = Bytes.u16(p, off + 4);
            int dst = Bytes.u16(p, off + 6);
            if (src >= targets || dst >= targets) throw copyAborted(0x0d, 0x02);
            long blocks = Bytes.u16(p, off + 10);
            long srcLba = Bytes.u64(p, off + 12);
            long dstLba = Bytes.u64(p, off + 20);
            long total = lu.blocks();
            if (Long.compareUnsigned(srcLba, total) > 0 || blocks > total - srcLba
                    || Long.compareUnsigned(dstLba, total) > 0 || blocks > total - dstLba
                    || blocks * lu.blockSize() > MAX_SEGMENT_BYTES) {
                throw copyAborted(0, 0);
            }
            copy(lu, srcLba * lu.blockSize(), dstLba * lu.blockSize(), blocks * lu.blockSize());
            bytes += blocks * lu.blockSize();
            done++;
        }
        byte[] status = new byte[12];
        Bytes.putInt(status, 0, 8);
        status[4] = 0x01; // completed without errors
        Bytes.putShort(status, 5, done);
        Bytes.putInt(status, 8, (int) Math.min(bytes, 0xffffffffL)); // transfer count units 00h: bytes
        lu.copyResults().put(r.nexus().initiatorPort() + "/" + listId, status);
        return ScsiResponse.wrote((int) length);
    }

    private static void copy(LogicalUnit lu, long from, long to, long length) {
        byte[] buf = new byte[(int) Math.min(PIECE, length)];
        boolean durable = !lu.mode().writeCacheEnabled;
        // an overlapping copy forwards must run back to front so it never reads what it just wrote
        boolean backwards = to > from && to < from + length;
        for (long done = 0; done < length; done += buf.length) {
            int n = (int) Math.min(buf.length, length - done);
            long pos = backwards ? length - done - n : done;
            ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
            lu.volume().read(from + pos, b);
            lu.volume().write(to + pos, ByteBuffer.wrap(buf, 0, n), durable);
        }
    }

    public static ScsiResponse receiveCopyResults(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        int sa = cdb[1] & 0x1f;
        int alloc = (int) Math.min(Bytes.u32(cdb, 10), Integer.MAX_VALUE);
        if (sa == 0x03) return ScsiResponse.data(operatingParameters(), alloc);
        if (sa == 0x00) {
            byte[] status = lu.copyResults().remove(r.nexus().initiatorPort() + "/" + (cdb[2] & 0xff));
            if (status == null) throw CheckCondition.invalidFieldInCdb(); // no such copy
            return ScsiResponse.data(status, alloc);
        }
        throw CheckCondition.invalidFieldInCdb();
    }

    private static byte[] operatingParameters() {
        byte[] b = new byte[46];
        Bytes.putInt(b, 0, b.length - 4);
        Bytes.putShort(b, 8, MAX_TARGET_DESCRIPTORS);
        Bytes.putShort(b, 10, MAX_SEGMENT_DESCRIPTORS);
        Bytes.putInt(b, 12, MAX_DESCRIPTOR_LIST);
        Bytes.putInt(b, 16, MAX_SEGMENT_BYTES);
        Bytes.putShort(b, 34, 1); // total concurrent copies
        b[36] = 1; // maximum concurrent copies
        b[37] = 9; // data segment granularity: 2^9 bytes
        b[43] = 2; // implemented descriptor list length
        b[44] = 0x02; // block to block segment descriptor
        b[45] = (byte) 0xe4; // identification target descriptor
        return b;
    }

    private static CheckCondition illegal(int asc, int ascq) {
        return new CheckCondition(new Sense(Sense.ILLEGAL_REQUEST, asc, ascq));
    }

    private static CheckCondition copyAborted(int asc, int ascq) {
        return new CheckCondition(new Sense(0x0a, asc, ascq));
    }
}
