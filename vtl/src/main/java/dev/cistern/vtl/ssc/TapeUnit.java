package dev.cistern.vtl.ssc;

import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.Sense;

/**
 * The unit-level commands of a tape drive: TEST UNIT READY, REQUEST SENSE, INQUIRY, LOAD/UNLOAD (SSC-3
 * 7.2) and PREVENT ALLOW MEDIUM REMOVAL. Unloading leaves the cartridge in the drive for the changer to
 * take; LOAD brings it back to BOP (or to end of data with EOT).
 */
final class TapeUnit {
    private TapeUnit() {
    }

    static ScsiResponse inquiry(LogicalUnit lu, ScsiRequest r) {
        return lu.device(TapeDrive.class).identity.inquiry(r);
    }

    static ScsiResponse testUnitReady(LogicalUnit lu, ScsiRequest r) {
        TapeDrive d = lu.device(TapeDrive.class);
        synchronized (d) {
            d.ready();
            return ScsiResponse.good();
        }
    }

    /** No sense is kept after autosense: report the drive's state (not ready, or EOM past early warning). */
    static ScsiResponse requestSense(LogicalUnit lu, ScsiRequest r) {
        TapeDrive d = lu.device(TapeDrive.class);
        byte[] cdb = r.cdb();
        if ((cdb[1] & 0xfe) != 0) throw CheckCondition.invalidFieldInCdb();
        Sense s;
        synchronized (d) {
            s = d.medium == null || !d.loaded ? new Sense(Sense.NOT_READY, 0x3a, 0x00) : TapeWrites.idle(d);
        }
        return ScsiResponse.data(s.encode((cdb[1] & 0x01) != 0), cdb[4] & 0xff);
    }

    static ScsiResponse loadUnload(LogicalUnit lu, ScsiRequest r) {
        TapeDrive d = lu.device(TapeDrive.class);
        byte[] cdb = r.cdb();
        int op = cdb[4] & 0xff;
        boolean load = (op & 0x01) != 0;
        boolean eot = (op & 0x04) != 0; // LOAD with EOT: position at end of data
        if ((cdb[1] & 0xfe) != 0 || (op & 0xf0) != 0 || !load && eot) throw CheckCondition.invalidFieldInCdb();
        synchronized (d) {
            if (d.medium == null) throw TapeSense.noMedium();
            d.medium.flush();
            if (load) {
                d.loaded = true;
                d.position = eot ? d.medium.endOfData() : 0;
            } else {
                d.loaded = false;
                d.position = 0;
            }
            return ScsiResponse.good();
        }
    }

    static ScsiResponse preventAllow(LogicalUnit lu, ScsiRequest r) {
        TapeDrive d = lu.device(TapeDrive.class);
        int prevent = r.cdb()[4] & 0x03;
        if (prevent > 1) throw CheckCondition.invalidFieldInCdb();
        synchronized (d) {
            d.preventRemoval = prevent == 1;
        }
        return ScsiResponse.good();
    }
}
