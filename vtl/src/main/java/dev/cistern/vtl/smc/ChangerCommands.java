package dev.cistern.vtl.smc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.Sense;
import dev.cistern.vtl.library.Element;
import dev.cistern.vtl.library.LibraryConfig;
import dev.cistern.vtl.library.MoveException;

/**
 * The medium changer's commands besides READ ELEMENT STATUS and the mode pages (SMC-3 6.x): MOVE
 * MEDIUM, POSITION TO ELEMENT, INITIALIZE ELEMENT STATUS (and WITH RANGE: the inventory is always
 * current, so they only validate), PREVENT ALLOW MEDIUM REMOVAL (locks the import/export slots),
 * TEST UNIT READY, REQUEST SENSE and INQUIRY.
 */
final class ChangerCommands {
    private ChangerCommands() {
    }

    static ScsiResponse inquiry(LogicalUnit lu, ScsiRequest r) {
        return lu.device(Changer.class).identity().inquiry(r);
    }

    static ScsiResponse testUnitReady(LogicalUnit lu, ScsiRequest r) {
        return ScsiResponse.good();
    }

    static ScsiResponse requestSense(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        if ((cdb[1] & 0xfe) != 0) throw CheckCondition.invalidFieldInCdb();
        return ScsiResponse.data(new Sense(Sense.NO_SENSE, 0, 0).encode((cdb[1] & 0x01) != 0), cdb[4] & 0xff);
    }

    static ScsiResponse moveMedium(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        int transport = Bytes.u16(cdb, 2);
        int from = Bytes.u16(cdb, 4);
        int to = Bytes.u16(cdb, 6);
        if ((cdb[10] & 0x01) != 0) throw CheckCondition.invalidFieldInCdb(); // INVERT: one-sided media
        if (transport != 0 && transport != LibraryConfig.TRANSPORT) throw invalidElement();
        try {
            lu.device(Changer.class).library().move(from, to);
            return ScsiResponse.good();
        } catch (MoveException e) {
            throw new CheckCondition(new Sense(Sense.ILLEGAL_REQUEST, e.asc(), e.ascq()));
        }
    }

    static ScsiResponse positionToElement(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        int transport = Bytes.u16(cdb, 2);
        Element dest = lu.device(Changer.class).library().element(Bytes.u16(cdb, 4));
        if (transport != 0 && transport != LibraryConfig.TRANSPORT || dest == null) throw invalidElement();
        return ScsiResponse.good();
    }

    static ScsiResponse initializeElementStatus(LogicalUnit lu, ScsiRequest r) {
        return ScsiResponse.good();
    }

    static ScsiResponse initializeWithRange(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        if ((cdb[1] & 0x01) != 0) { // RANGE: the first address must exist
            if (lu.device(Changer.class).library().element(Bytes.u16(cdb, 2)) == null) throw invalidElement();
        }
        return ScsiResponse.good();
    }

    static ScsiResponse preventAllow(LogicalUnit lu, ScsiRequest r) {
        int prevent = r.cdb()[4] & 0x03;
        if (prevent > 1) throw CheckCondition.invalidFieldInCdb();
        lu.device(Changer.class).library().setPreventRemoval(prevent == 1);
        return ScsiResponse.good();
    }

    private static CheckCondition invalidElement() {
        return new CheckCondition(new Sense(Sense.ILLEGAL_REQUEST, 0x21, 0x01));
    }
}
