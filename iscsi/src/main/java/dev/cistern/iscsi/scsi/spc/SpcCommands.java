package dev.cistern.iscsi.scsi.spc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.Command;
import dev.cistern.iscsi.scsi.Command.Access;
import dev.cistern.iscsi.scsi.CommandTable;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.ScsiStatus;
import dev.cistern.iscsi.scsi.Sense;

import static dev.cistern.iscsi.scsi.Command.usage;

/**
 * The SPC-4 primary commands every device type shares, entered into a device model's table. The small
 * ones live here; INQUIRY, mode pages, REPORT SUPPORTED OPERATION CODES and persistent reservations
 * have their own files.
 */
public final class SpcCommands {
    private SpcCommands() {
    }

    public static void register(CommandTable t, Inquiry inquiry) {
        t.add(new Command(0x00, -1, usage(0x00, 0, 0, 0, 0, 0x07), Access.READ, SpcCommands::testUnitReady));
        t.add(new Command(0x03, -1, usage(0x03, 0x01, 0, 0, 0xff, 0x07), Access.ALWAYS, SpcCommands::requestSense));
        t.add(new Command(0x12, -1, usage(0x12, 0x01, 0xff, 0xff, 0xff, 0x07), Access.ALWAYS, inquiry::handle));
        t.add(new Command(0x15, -1, usage(0x15, 0x11, 0, 0, 0xff, 0x07), Access.WRITE, ModePages::select6));
        t.add(new Command(0x16, -1, usage(0x16, 0, 0, 0, 0, 0x07), Access.ALWAYS, SpcCommands::reserve));
        t.add(new Command(0x17, -1, usage(0x17, 0, 0, 0, 0, 0x07), Access.ALWAYS, SpcCommands::release));
        t.add(new Command(0x1a, -1, usage(0x1a, 0x08, 0xff, 0xff, 0xff, 0x07), Access.READ, ModePages::sense6));
        t.add(new Command(0x55, -1, usage(0x55, 0x11, 0, 0, 0, 0, 0, 0xff, 0xff, 0x07), Access.WRITE,
                ModePages::select10));
        t.add(new Command(0x56, -1, usage(0x56, 0, 0, 0, 0, 0, 0, 0, 0, 0x07), Access.ALWAYS, SpcCommands::reserve));
        t.add(new Command(0x57, -1, usage(0x57, 0, 0, 0, 0, 0, 0, 0, 0, 0x07), Access.ALWAYS, SpcCommands::release));
        t.add(new Command(0x5a, -1, usage(0x5a, 0x18, 0xff, 0xff, 0, 0, 0, 0xff, 0xff, 0x07), Access.READ,
                ModePages::sense10));
        byte[] prIn = usage(0x5e, 0x1f, 0, 0, 0, 0, 0, 0xff, 0xff, 0x07);
        t.add(new Command(0x5e, 0, prIn, Access.ALWAYS, PersistentReserveIn::readKeys));
        t.add(new Command(0x5e, 1, prIn, Access.ALWAYS, PersistentReserveIn::readReservation));
        t.add(new Command(0x5e, 2, prIn, Access.ALWAYS, PersistentReserveIn::reportCapabilities));
        t.add(new Command(0x5e, 3, prIn, Access.ALWAYS, PersistentReserveIn::readFullStatus));
        byte[] prOut = usage(0x5f, 0x1f, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x07);
        for (int sa = 0; sa <= 6; sa++) {
            t.add(new Command(0x5f, sa, prOut, Access.ALWAYS, PersistentReserveOut::handle));
        }
        t.add(new Command(0xa0, -1, usage(0xa0, 0, 0xff, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x07), Access.ALWAYS,
                SpcCommands::reportLuns));
        t.add(new Command(0xa3, 0x0c, usage(0xa3, 0x1f, 0x87, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x07),
                Access.ALWAYS, ReportSupportedOpcodes::handle));
    }

    static ScsiResponse testUnitReady(LogicalUnit lu, ScsiRequest r) {
        return ScsiResponse.good();
    }

    /** No deferred errors are kept, so there is never pending sense: report NO SENSE. */
    static ScsiResponse requestSense(LogicalUnit lu, ScsiRequest r) {
        boolean desc = (r.cdb()[1] & 0x01) != 0;
        return ScsiResponse.data(new Sense(Sense.NO_SENSE, 0, 0).encode(desc), r.cdb()[4] & 0xff);
    }

    static ScsiResponse reserve(LogicalUnit lu, ScsiRequest r) {
        if (r.opcode() == 0x56 && (r.cdb()[1] & 0x02) != 0) throw CheckCondition.invalidFieldInCdb(); // 3rd party
        return lu.reservations().reserveLegacy(r.nexus()) ? ScsiResponse.good()
                : ScsiResponse.status(ScsiStatus.RESERVATION_CONFLICT);
    }

    static ScsiResponse release(LogicalUnit lu, ScsiRequest r) {
        lu.reservations().releaseLegacy(r.nexus());
        return ScsiResponse.good();
    }

    static ScsiResponse reportLuns(LogicalUnit lu, ScsiRequest r) {
        return reportLuns(r);
    }

    /** REPORT LUNS (SPC-4 6.33); also answered for LUNs that do not exist, hence static on the request. */
    public static ScsiResponse reportLuns(ScsiRequest r) {
        byte[] cdb = r.cdb();
        int select = cdb[2] & 0xff;
        long alloc = Bytes.u32(cdb, 6);
        if (select > 2 || alloc < 16) throw CheckCondition.invalidFieldInCdb();
        int[] luns = select == 1 ? new int[0] : r.targetLuns();
        byte[] b = new byte[8 + 8 * luns.length];
        Bytes.putInt(b, 0, 8 * luns.length);
        for (int i = 0; i < luns.length; i++) {
            int lun = luns[i];
            if (lun < 256) {
                b[8 + 8 * i + 1] = (byte) lun;
            } else {
                b[8 + 8 * i] = (byte) (0x40 | (lun >>> 8));
                b[8 + 8 * i + 1] = (byte) lun;
            }
        }
        return ScsiResponse.data(b, (int) Math.min(alloc, Integer.MAX_VALUE));
    }
}
