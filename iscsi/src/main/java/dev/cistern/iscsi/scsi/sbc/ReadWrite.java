package dev.cistern.iscsi.scsi.sbc;

import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.Sense;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.locks.Lock;

/**
 * READ, WRITE, WRITE AND VERIFY, VERIFY and ORWRITE in all their CDB sizes (SBC-3 5.8-5.30).
 * FUA writes, and all writes while the write cache is disabled, are durable before GOOD status.
 */
public final class ReadWrite {
    private static final Sense INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT = new Sense(Sense.ILLEGAL_REQUEST, 0x0e, 0x03);

    private ReadWrite() {
    }

    public static ScsiResponse read(LogicalUnit lu, ScsiRequest r) {
        BlockRange range = BlockRange.of(r.cdb()).check(lu).checkTransferSize(lu);
        byte[] data = new byte[range.bytes(lu)];
        if (data.length > 0) lu.volume().read(range.offset(lu), ByteBuffer.wrap(data));
        return ScsiResponse.data(data);
    }

    public static ScsiResponse write(LogicalUnit lu, ScsiRequest r) {
        BlockRange range = BlockRange.of(r.cdb());
        if (range.protect() != 0) throw CheckCondition.invalidFieldInCdb();
        if (lu.writeProtected()) throw CheckCondition.writeProtected();
        range.checkRange(lu).checkTransferSize(lu);
        int wanted = range.bytes(lu);
        int sent = r.dataOut().length;
        if (sent < wanted && sent % lu.blockSize() != 0) {
            // the data ends inside a block: writing the whole blocks before it under GOOD would report the
            // torn block's bytes as transferred though they were dropped. Nothing is written (FCP-4's
            // rule for a short FCP_DL, which libiscsi accepts), the residual still says overflow
            return ScsiResponse.checkCondition(INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT, wanted);
        }
        // an iSCSI EDTL shorter than the CDB's length, in whole blocks: RFC 7143 11.4.5.1 residual overflow,
        // the blocks sent are written and GOOD comes with the overflow residual saying the rest was not
        int have = Math.min(wanted, sent);
        if (have > 0) {
            boolean durable = range.fua() || !lu.mode().writeCacheEnabled;
            Lock l = lu.atomicity().readLock();
            l.lock();
            try {
                lu.volume().write(range.offset(lu), ByteBuffer.wrap(r.dataOut(), 0, have), durable);
            } finally {
                l.unlock();
            }
        }
        return ScsiResponse.wrote(wanted);
    }

    /**
     * WRITE ATOMIC(16) (SBC-4 5.48): all or nothing, with no other write interleaved. Transfers must
     * cover whole, aligned allocation units (VPD 0xB0 says so), the granularity at which the engine
     * replaces block-map entries.
     */
    public static ScsiResponse writeAtomic(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        int protect = (cdb[1] & 0xff) >>> 5;
        long lba = dev.cistern.iscsi.scsi.Bytes.u64(cdb, 2);
        int blocks = dev.cistern.iscsi.scsi.Bytes.u16(cdb, 12);
        if (protect != 0) throw CheckCondition.invalidFieldInCdb();
        if (lu.writeProtected()) throw CheckCondition.writeProtected();
        BlockRange range = new BlockRange(lba, blocks, 0, (cdb[1] & 0x08) != 0).checkRange(lu);
        int unit = BlockVpd.unitBlocks(lu);
        if (blocks % unit != 0 || lba % unit != 0 || blocks > BlockVpd.maxAtomicBlocks(lu)) {
            throw CheckCondition.invalidFieldInCdb();
        }
        int n = range.bytes(lu);
        int have = Math.min(n, r.dataOut().length / lu.blockSize() * lu.blockSize());
        if (have < n && blocks > 0) throw CheckCondition.invalidFieldInCdb(); // half an atomic write is none
        if (n > 0) {
            Lock l = lu.atomicity().writeLock();
            l.lock();
            try {
                lu.volume().write(range.offset(lu), ByteBuffer.wrap(r.dataOut(), 0, n),
                        range.fua() || !lu.mode().writeCacheEnabled);
            } finally {
                l.unlock();
            }
        }
        return ScsiResponse.wrote(n);
    }

    /** WRITE AND VERIFY: the engine reads back what it wrote, so verification is the write itself. */
    public static ScsiResponse writeAndVerify(LogicalUnit lu, ScsiRequest r) {
        return write(lu, r);
    }

    /** VERIFY 10/12/16: with BYTCHK the data sent is compared with the medium, else only the range is checked. */
    public static ScsiResponse verify(LogicalUnit lu, ScsiRequest r) {
        BlockRange range = BlockRange.of(r.cdb()).check(lu).checkTransferSize(lu);
        int bytchk = (r.cdb()[1] >>> 1) & 0x03;
        if (bytchk == 0 || range.blocks() == 0) return ScsiResponse.wrote(bytchk == 0 ? -1 : 0);
        if (bytchk == 2) throw CheckCondition.invalidFieldInCdb();
        int n = bytchk == 3 ? lu.blockSize() : range.bytes(lu);
        if (r.dataOut().length < n) throw CheckCondition.parameterListLength();
        byte[] medium = new byte[range.bytes(lu)];
        lu.volume().read(range.offset(lu), ByteBuffer.wrap(medium));
        for (int i = 0; i < medium.length; i++) {
            byte expected = bytchk == 3 ? r.dataOut()[i % lu.blockSize()] : r.dataOut()[i];
            if (medium[i] != expected) throw CheckCondition.miscompare(i);
        }
        return ScsiResponse.wrote(n);
    }

    /** ORWRITE(16) without protection information: medium := medium OR data, atomically. */
    public static ScsiResponse orWrite(LogicalUnit lu, ScsiRequest r) {
        BlockRange range = BlockRange.of(r.cdb());
        if (range.protect() != 0) throw CheckCondition.invalidFieldInCdb();
        if (lu.writeProtected()) throw CheckCondition.writeProtected();
        range.checkRange(lu).checkTransferSize(lu);
        int n = range.bytes(lu);
        if (n == 0) return ScsiResponse.wrote(0);
        if (r.dataOut().length < n) throw CheckCondition.parameterListLength();
        Lock l = lu.atomicity().writeLock();
        l.lock();
        try {
            byte[] medium = new byte[n];
            lu.volume().read(range.offset(lu), ByteBuffer.wrap(medium));
            for (int i = 0; i < n; i++) medium[i] |= r.dataOut()[i];
            lu.volume().write(range.offset(lu), ByteBuffer.wrap(medium), range.fua() || !lu.mode().writeCacheEnabled);
        } finally {
            l.unlock();
        }
        return ScsiResponse.wrote(n);
    }

    /**
     * COMPARE AND WRITE (SBC-3 5.2): the first half of the data is compared with the medium and, only if
     * it matches, the second half is written, with no other write to the LU in between.
     */
    public static ScsiResponse compareAndWrite(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        int protect = (cdb[1] & 0xff) >>> 5;
        long lba = dev.cistern.iscsi.scsi.Bytes.u64(cdb, 2);
        int blocks = cdb[13] & 0xff;
        if (protect != 0) throw CheckCondition.invalidFieldInCdb();
        if (lu.writeProtected()) throw CheckCondition.writeProtected();
        if (blocks > BlockVpd.MAX_COMPARE_AND_WRITE_BLOCKS) throw CheckCondition.invalidFieldInCdb();
        new BlockRange(lba, blocks, 0, false).checkRange(lu);
        int n = blocks * lu.blockSize();
        // the data must be exactly verify + write data; with 0 blocks none may come (a 256-block request
        // truncated to 0 in the one-byte field is caught here)
        if (r.dataOut().length != 2 * n) throw CheckCondition.invalidFieldInCdb();
        if (blocks == 0) return ScsiResponse.wrote(0);
        long offset = lba * lu.blockSize();
        Lock l = lu.atomicity().writeLock();
        l.lock();
        try {
            byte[] medium = new byte[n];
            lu.volume().read(offset, ByteBuffer.wrap(medium));
            int mismatch = Arrays.mismatch(medium, 0, n, r.dataOut(), 0, n);
            if (mismatch >= 0) throw CheckCondition.miscompare(mismatch);
            boolean durable = (cdb[1] & 0x08) != 0 || !lu.mode().writeCacheEnabled;
            lu.volume().write(offset, ByteBuffer.wrap(r.dataOut(), n, n), durable);
        } finally {
            l.unlock();
        }
        return ScsiResponse.wrote(2 * n);
    }
}
