package dev.cistern.iscsi.scsi.sbc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;

/**
 * READ CAPACITY 10/16, SYNCHRONIZE CACHE 10/16 (the durability point: the engine's flush), PRE-FETCH,
 * START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL and READ DEFECT DATA: the small SBC commands.
 */
public final class CapacityAndCache {
    private CapacityAndCache() {
    }

    public static ScsiResponse readCapacity10(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        boolean pmi = (cdb[8] & 0x01) != 0;
        if (!pmi && Bytes.u32(cdb, 2) != 0) throw CheckCondition.invalidFieldInCdb();
        byte[] b = new byte[8];
        long last = lu.blocks() - 1;
        Bytes.putInt(b, 0, last > 0xffffffffL ? -1 : (int) last);
        Bytes.putInt(b, 4, lu.blockSize());
        return ScsiResponse.data(b);
    }

    public static ScsiResponse readCapacity16(LogicalUnit lu, ScsiRequest r) {
        byte[] b = new byte[32];
        Bytes.putLong(b, 0, lu.blocks() - 1);
        Bytes.putInt(b, 8, lu.blockSize());
        // the allocation unit is the "physical block": aligning to it lets unmaps free space and writes dedup
        b[13] = (byte) Integer.numberOfTrailingZeros(BlockVpd.unitBlocks(lu));
        b[14] = (byte) 0xc0; // LBPME, LBPRZ
        return ScsiResponse.data(b, (int) Math.min(Bytes.u32(r.cdb(), 10), Integer.MAX_VALUE));
    }

    public static ScsiResponse synchronizeCache(LogicalUnit lu, ScsiRequest r) {
        BlockRange.of(r.cdb()).checkRange(lu);
        lu.volume().flush();
        return ScsiResponse.good();
    }

    /** PRE-FETCH: the engine keeps no read cache to warm, so after the range check there is nothing to do. */
    public static ScsiResponse preFetch(LogicalUnit lu, ScsiRequest r) {
        BlockRange.of(r.cdb()).checkRange(lu);
        return ScsiResponse.good();
    }

    public static ScsiResponse startStopUnit(LogicalUnit lu, ScsiRequest r) {
        return ScsiResponse.good();
    }

    public static ScsiResponse preventAllow(LogicalUnit lu, ScsiRequest r) {
        return ScsiResponse.good();
    }

    /** READ DEFECT DATA 10/12: a virtual disk has no defects; report an empty list in the format asked. */
    public static ScsiResponse readDefectData(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        boolean twelve = (cdb[0] & 0xff) == 0xb7;
        byte[] b = new byte[twelve ? 8 : 4];
        b[1] = (byte) (cdb[twelve ? 1 : 2] & 0x1f);
        int alloc = twelve ? (int) Math.min(Bytes.u32(cdb, 6), Integer.MAX_VALUE) : Bytes.u16(cdb, 7);
        return ScsiResponse.data(b, alloc);
    }
}
