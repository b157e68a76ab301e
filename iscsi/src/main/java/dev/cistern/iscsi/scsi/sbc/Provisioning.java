package dev.cistern.iscsi.scsi.sbc;

import dev.cistern.engine.BlockVolume;
import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Thin provisioning commands: WRITE SAME 10/16 (with UNMAP), UNMAP, GET LBA STATUS (SBC-3 5.44, 5.28,
 * 5.7). Unmapped ranges read as zeros (LBPRZ), so an all-zero WRITE SAME with UNMAP just deallocates.
 */
public final class Provisioning {
    /**
     * Largest WRITE SAME accepted, in blocks (VPD 0xB0): the maximum transfer length, so an initiator
     * can check a WRITE SAME by reading the range back in one command.
     */
    public static long maxWriteSameBlocks(LogicalUnit lu) {
        return BlockRange.MAX_TRANSFER_BYTES / lu.blockSize();
    }
    private static final int PIECE_BYTES = 1 << 20;

    private Provisioning() {
    }

    public static ScsiResponse writeSame(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        boolean ws16 = (cdb[0] & 0xff) == 0x93;
        int flags = cdb[1] & 0xff;
        long lba = ws16 ? Bytes.u64(cdb, 2) : Bytes.u32(cdb, 2);
        long blocks = ws16 ? Bytes.u32(cdb, 10) : Bytes.u16(cdb, 7);
        boolean anchor = (flags & 0x10) != 0;
        boolean ndob = ws16 && (flags & 0x01) != 0;
        if ((flags >>> 5) != 0 || anchor) throw CheckCondition.invalidFieldInCdb();
        if (lu.writeProtected()) throw CheckCondition.writeProtected();
        long total = lu.blocks();
        if (blocks == 0) { // WSNZ=0: to the end of the medium
            if (Long.compareUnsigned(lba, total) > 0) throw CheckCondition.lbaOutOfRange();
            blocks = total - lba;
        }
        new BlockRange(lba, blocks, 0, false).checkRange(lu);
        int bs = lu.blockSize();
        byte[] block;
        if (ndob) {
            block = new byte[bs];
        } else {
            // exactly one logical block of data goes with WRITE SAME; anything else is a malformed request
            if (r.dataOut().length != bs) throw CheckCondition.invalidFieldInCdb();
            block = java.util.Arrays.copyOf(r.dataOut(), bs);
        }
        long offset = lba * bs;
        long length = blocks * bs;
        boolean zero = isZero(block);
        BlockVolume v = lu.volume();
        if (blocks > maxWriteSameBlocks(lu)) throw CheckCondition.invalidFieldInCdb();
        if (zero) {
            // unmapped blocks read as zeros (LBPRZ): zeros are stored as holes, UNMAP bit or not. The UNMAP
            // bit only permits deallocation: reads must still return the block sent (SBC-4 5.53), so a
            // block that is not all zeros is written, never turned into a hole that reads as zeros
            v.unmap(offset, length);
        } else {
            int piece = (int) Math.min(length, PIECE_BYTES / bs * bs);
            byte[] buf = new byte[piece];
            for (int i = 0; i < piece; i += bs) System.arraycopy(block, 0, buf, i, bs);
            for (long done = 0; done < length; done += piece) {
                int n = (int) Math.min(piece, length - done);
                v.write(offset + done, ByteBuffer.wrap(buf, 0, n), false);
            }
        }
        // with the write cache off, GOOD means on the medium: an unmap is a write of zeros like any other
        if (!lu.mode().writeCacheEnabled) v.flush();
        return ScsiResponse.wrote(ndob ? -1 : bs);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    public static ScsiResponse unmap(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        if ((cdb[1] & 0x01) != 0) throw CheckCondition.invalidFieldInCdb(); // ANCHOR
        int length = Bytes.u16(cdb, 7);
        if (lu.writeProtected()) throw CheckCondition.writeProtected();
        if (length == 0) return ScsiResponse.wrote(0);
        byte[] p = r.dataOut();
        if (length < 8 || p.length < length) throw CheckCondition.parameterListLength();
        int descLen = Bytes.u16(p, 2);
        if (descLen % 16 != 0 || 8 + descLen > length) throw CheckCondition.parameterListLength();
        int count = descLen / 16;
        if (count > BlockVpd.MAX_UNMAP_DESCRIPTORS) throw CheckCondition.invalidFieldInParameterList();
        for (int i = 0; i < count; i++) { // validate all before changing anything
            new BlockRange(Bytes.u64(p, 8 + 16 * i), Bytes.u32(p, 16 + 16 * i), 0, false).checkRange(lu);
        }
        int bs = lu.blockSize();
        for (int i = 0; i < count; i++) {
            long lba = Bytes.u64(p, 8 + 16 * i);
            long n = Bytes.u32(p, 16 + 16 * i);
            if (n > 0) lu.volume().unmap(lba * bs, n * bs);
        }
        if (count > 0 && !lu.mode().writeCacheEnabled) lu.volume().flush(); // else a crash could bring data back
        return ScsiResponse.wrote(length);
    }

    /**
     * A descriptor counts the blocks of the whole run with the same status from its LBA (SBC-4 5.8.2), not
     * just those in the window asked of the engine: a run reaching the window's end is followed through
     * windows of growing size (after a SANITIZE or a full UNMAP one descriptor covers the whole LUN).
     */
    private static void extendLastRun(LogicalUnit lu, List<BlockVolume.Extent> extents, long windowEnd,
                                      long total) {
        int bs = lu.blockSize();
        long step = windowEnd;
        while (!extents.isEmpty() && windowEnd < total) {
            BlockVolume.Extent last = extents.getLast();
            if (last.offset() + last.length() != windowEnd * bs) return;
            if (last.length() / bs >= 0xffffffffL) return; // the descriptor cannot count more
            long n = Math.min(total - windowEnd, step);
            BlockVolume.Extent next = lu.volume().extents(windowEnd * bs, n * bs).getFirst();
            if (next.mapped() != last.mapped()) return;
            extents.set(extents.size() - 1,
                    new BlockVolume.Extent(last.offset(), last.length() + next.length(), last.mapped()));
            if (next.length() != n * bs) return;
            windowEnd += n;
            step *= 2;
        }
    }

    public static ScsiResponse getLbaStatus(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        long lba = Bytes.u64(cdb, 2);
        long alloc = Bytes.u32(cdb, 10);
        long total = lu.blocks();
        if (Long.compareUnsigned(lba, total) >= 0) throw CheckCondition.lbaOutOfRange();
        int bs = lu.blockSize();
        int maxDescriptors = (int) Math.max(1, Math.min(1024, (alloc - 8) / 16));
        // ask for a window, not the whole LU: enough to fill the descriptors the initiator can take
        long window = Math.min(total - lba, Math.max(1L, (long) maxDescriptors * 2048));
        List<BlockVolume.Extent> extents = new java.util.ArrayList<>(lu.volume().extents(lba * bs, window * bs));
        extendLastRun(lu, extents, lba + window, total);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = 0;
        for (BlockVolume.Extent e : extents) {
            if (n == maxDescriptors) break;
            byte[] d = new byte[16];
            Bytes.putLong(d, 0, e.offset() / bs);
            Bytes.putInt(d, 8, (int) Math.min(0xffffffffL, e.length() / bs));
            d[12] = (byte) (e.mapped() ? 0 : 1);
            out.writeBytes(d);
            n++;
        }
        byte[] body = out.toByteArray();
        byte[] b = new byte[8 + body.length];
        Bytes.putInt(b, 0, body.length + 4);
        System.arraycopy(body, 0, b, 8, body.length);
        return ScsiResponse.data(b, (int) Math.min(alloc, Integer.MAX_VALUE));
    }
}
