package dev.cistern.iscsi.scsi.spc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.ScsiStatus;
import dev.cistern.iscsi.scsi.Sense;

/**
 * PERSISTENT RESERVE OUT (SPC-4 6.16) with the basic 24-byte parameter list. SPEC_I_PT and ALL_TG_PT
 * are not offered (REPORT CAPABILITIES says so), nor is REGISTER AND MOVE.
 */
public final class PersistentReserveOut {
    public static final int REGISTER = 0;
    public static final int RESERVE = 1;
    public static final int RELEASE = 2;
    public static final int CLEAR = 3;
    public static final int PREEMPT = 4;
    public static final int PREEMPT_AND_ABORT = 5;
    public static final int REGISTER_AND_IGNORE = 6;

    private PersistentReserveOut() {
    }

    public static ScsiResponse handle(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        int sa = cdb[1] & 0x1f;
        int scope = (cdb[2] & 0xf0) >>> 4;
        int type = cdb[2] & 0x0f;
        long length = Bytes.u32(cdb, 5);
        if (length != 24) throw CheckCondition.parameterListLength();
        byte[] p = r.dataOut();
        if (p.length < 24) throw CheckCondition.parameterListLength();
        long key = Bytes.u64(p, 0);
        long saKey = Bytes.u64(p, 8);
        int flags = p[20] & 0xff;
        if ((flags & 0x0c) != 0) throw CheckCondition.invalidFieldInParameterList(); // SPEC_I_PT, ALL_TG_PT
        boolean aptpl = (flags & 0x01) != 0;
        boolean needsType = sa == RESERVE || sa == RELEASE || sa == PREEMPT || sa == PREEMPT_AND_ABORT;
        if (needsType && (scope != 0 || !Reservations.validType(type))) throw CheckCondition.invalidFieldInCdb();
        Reservations res = lu.reservations();
        Reservations.Result result = switch (sa) {
            case REGISTER -> res.register(r.nexus(), key, saKey, false, aptpl);
            case REGISTER_AND_IGNORE -> res.register(r.nexus(), key, saKey, true, aptpl);
            case RESERVE -> res.reserve(r.nexus(), key, type);
            case RELEASE -> res.release(r.nexus(), key, type);
            case CLEAR -> res.clear(r.nexus(), key);
            case PREEMPT, PREEMPT_AND_ABORT -> res.preempt(r.nexus(), key, saKey, type);
            default -> throw CheckCondition.invalidFieldInCdb();
        };
        return switch (result) {
            case GOOD -> ScsiResponse.wrote(24);
            case CONFLICT -> ScsiResponse.status(ScsiStatus.RESERVATION_CONFLICT);
            case INVALID_RELEASE -> throw new CheckCondition(new Sense(Sense.ILLEGAL_REQUEST, 0x26, 0x04));
            case INVALID_PARAMETER -> throw CheckCondition.invalidFieldInParameterList();
            // SPC-4 5.14.7: the device server has no room for another registration
            case INSUFFICIENT_RESOURCES -> throw new CheckCondition(new Sense(Sense.ILLEGAL_REQUEST, 0x55, 0x04));
        };
    }
}
