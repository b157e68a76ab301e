package dev.cistern.iscsi.scsi.sbc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.LogicalUnit;

import java.util.Map;
import java.util.function.Function;

/**
 * The SBC vital product data pages: 0xB0 block limits, 0xB1 block device characteristics, 0xB2 logical
 * block provisioning. Limits derive from the volume's allocation unit so initiators align unmaps and
 * large writes to what the engine can free and deduplicate.
 */
public final class BlockVpd {
    public static final int MAX_COMPARE_AND_WRITE_BLOCKS = 255;
    public static final int MAX_UNMAP_DESCRIPTORS = 256;

    private BlockVpd() {
    }

    public static Map<Integer, Function<LogicalUnit, byte[]>> pages() {
        return Map.of(0xb0, BlockVpd::blockLimits, 0xb1, BlockVpd::characteristics, 0xb2, BlockVpd::provisioning);
    }

    static int unitBlocks(LogicalUnit lu) {
        return Math.max(1, lu.volume().allocationUnit() / lu.blockSize());
    }

    static byte[] blockLimits(LogicalUnit lu) {
        byte[] b = new byte[64];
        b[1] = (byte) 0xb0;
        Bytes.putShort(b, 2, 0x3c);
        // WSNZ stays 0: WRITE SAME with zero blocks means "to the end of the medium"
        b[5] = (byte) MAX_COMPARE_AND_WRITE_BLOCKS;
        int unit = unitBlocks(lu);
        Bytes.putShort(b, 6, unit);
        int maxBlocks = BlockRange.MAX_TRANSFER_BYTES / lu.blockSize();
        Bytes.putInt(b, 8, maxBlocks);
        Bytes.putInt(b, 12, Math.max(unit, (1 << 20) / lu.blockSize()));
        Bytes.putInt(b, 16, maxBlocks);
        Bytes.putInt(b, 20, 0xffffffff); // maximum unmap LBA count: unlimited
        Bytes.putInt(b, 24, MAX_UNMAP_DESCRIPTORS);
        Bytes.putInt(b, 28, unit);
        Bytes.putInt(b, 32, 0x80000000); // UGAVALID, alignment 0
        Bytes.putLong(b, 36, Provisioning.maxWriteSameBlocks(lu));
        Bytes.putInt(b, 44, maxAtomicBlocks(lu));
        Bytes.putInt(b, 48, unit); // atomic alignment
        Bytes.putInt(b, 52, unit); // atomic transfer length granularity
        return b;
    }

    /** Largest WRITE ATOMIC, in blocks: a whole number of allocation units within the transfer limit. */
    static int maxAtomicBlocks(LogicalUnit lu) {
        int unit = unitBlocks(lu);
        return BlockRange.MAX_TRANSFER_BYTES / lu.blockSize() / unit * unit;
    }

    static byte[] characteristics(LogicalUnit lu) {
        byte[] b = new byte[64];
        b[1] = (byte) 0xb1;
        Bytes.putShort(b, 2, 0x3c);
        Bytes.putShort(b, 4, 1); // non-rotating medium
        // WABEREQ 01b: after SANITIZE BLOCK ERASE, reads succeed (deallocated blocks read as zeros);
        // WACEREQ 00b: no CRYPTO ERASE
        b[7] = 0x40;
        return b;
    }

    static byte[] provisioning(LogicalUnit lu) {
        byte[] b = new byte[8];
        b[1] = (byte) 0xb2;
        Bytes.putShort(b, 2, 4);
        b[5] = (byte) (0x80 | 0x40 | 0x20 | 0x04); // LBPU, LBPWS, LBPWS10, LBPRZ
        b[6] = 0x02; // thin provisioned
        return b;
    }
}
