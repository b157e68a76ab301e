package dev.cistern.iscsi.scsi.sbc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;

/**
 * The LBA range and flags a READ/WRITE/VERIFY-style CDB names, decoded per CDB size (SBC-3 5.x), with
 * the range and protection-field checks every such command needs.
 *
 * @param lba     first logical block
 * @param blocks  number of blocks
 * @param protect RDPROTECT/WRPROTECT/VRPROTECT field (CDB byte 1, bits 7-5)
 * @param fua     force unit access
 */
public record BlockRange(long lba, long blocks, int protect, boolean fua) {
    /** Largest transfer accepted, bounding the memory one command can take. */
    public static final int MAX_TRANSFER_BYTES = 16 * 1024 * 1024;

    public static BlockRange of(byte[] cdb) {
        int op = cdb[0] & 0xff;
        int flags = cdb[1] & 0xff;
        return switch (op >>> 5) {
            case 0 -> { // 6-byte CDB: 21-bit LBA, 0 blocks means 256
                int n = cdb[4] & 0xff;
                yield new BlockRange(((cdb[1] & 0x1f) << 16) | Bytes.u16(cdb, 2), n == 0 ? 256 : n, 0, false);
            }
            case 1, 2 -> new BlockRange(Bytes.u32(cdb, 2), Bytes.u16(cdb, 7), flags >>> 5, (flags & 0x08) != 0);
            case 5 -> new BlockRange(Bytes.u32(cdb, 2), Bytes.u32(cdb, 6), flags >>> 5, (flags & 0x08) != 0);
            case 4 -> new BlockRange(Bytes.u64(cdb, 2), Bytes.u32(cdb, 10), flags >>> 5, (flags & 0x08) != 0);
            default -> throw CheckCondition.invalidOpcode();
        };
    }

    /**
     * Checks the protection field (no protection information is supported, so it must be zero) and that
     * the range lies on the medium; {@code zero} blocks at the end of the medium are fine.
     */
    public BlockRange check(LogicalUnit lu) {
        if (protect != 0) throw CheckCondition.invalidFieldInCdb();
        return checkRange(lu);
    }

    public BlockRange checkRange(LogicalUnit lu) {
        long total = lu.blocks();
        if (lba < 0 || lba > total || blocks > total - lba) throw CheckCondition.lbaOutOfRange();
        return this;
    }

    public BlockRange checkTransferSize(LogicalUnit lu) {
        if (blocks * lu.blockSize() > MAX_TRANSFER_BYTES) throw CheckCondition.invalidFieldInCdb();
        return this;
    }

    public long offset(LogicalUnit lu) {
        return lba * lu.blockSize();
    }

    public int bytes(LogicalUnit lu) {
        return (int) (blocks * lu.blockSize());
    }
}
