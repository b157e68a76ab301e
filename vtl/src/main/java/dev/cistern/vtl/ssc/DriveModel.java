package dev.cistern.vtl.ssc;

import static dev.cistern.iscsi.scsi.Command.usage;

import dev.cistern.engine.EngineException;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.Command;
import dev.cistern.iscsi.scsi.Command.Access;
import dev.cistern.iscsi.scsi.CommandHandler;
import dev.cistern.iscsi.scsi.CommandTable;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.Sense;
import dev.cistern.iscsi.scsi.spc.Inquiry;
import dev.cistern.iscsi.scsi.spc.Reservations;
import dev.cistern.iscsi.scsi.spc.SpcCommands;
import java.util.Map;

/**
 * The SSC-3 sequential-access device: the shared SPC commands (REPORT LUNS, reservations, REPORT
 * SUPPORTED OPERATION CODES) with the tape drive's own INQUIRY, TEST UNIT READY, REQUEST SENSE and mode
 * pages in their place, plus the stream commands. One table shared by every drive; handlers find the
 * drive through {@link LogicalUnit#device}.
 */
public final class DriveModel {
    private static final CommandTable TABLE = build();

    private DriveModel() {
    }

    public static CommandTable commands() {
        return TABLE;
    }

    /** A logical unit presenting {@code drive}. */
    public static LogicalUnit unit(int lun, TapeDrive drive, Reservations reservations) {
        return new LogicalUnit(lun, drive, TABLE, reservations, drive.serial());
    }

    private static CommandTable build() {
        CommandTable t = new CommandTable();
        SpcCommands.register(t, new Inquiry(0x01, Map.of()));
        add(t, 0x00, Access.READ, TapeUnit::testUnitReady, 0x00, 0, 0, 0, 0, 0x07);
        add(t, 0x01, Access.READ, TapePositioning::rewind, 0x01, 0x01, 0, 0, 0, 0x07);
        add(t, 0x03, Access.ALWAYS, TapeUnit::requestSense, 0x03, 0x01, 0, 0, 0xff, 0x07);
        add(t, 0x05, Access.READ, TapeLimits::readBlockLimits, 0x05, 0, 0, 0, 0, 0x07);
        add(t, 0x08, Access.READ, TapeReads::read6, 0x08, 0x03, 0xff, 0xff, 0xff, 0x07);
        add(t, 0x0a, Access.WRITE, TapeWrites::write6, 0x0a, 0x01, 0xff, 0xff, 0xff, 0x07);
        add(t, 0x10, Access.WRITE, TapeWrites::writeFilemarks6, 0x10, 0x01, 0xff, 0xff, 0xff, 0x07);
        add(t, 0x11, Access.READ, TapePositioning::space6, 0x11, 0x0f, 0xff, 0xff, 0xff, 0x07);
        add(t, 0x12, Access.ALWAYS, TapeUnit::inquiry, 0x12, 0x01, 0xff, 0xff, 0xff, 0x07);
        add(t, 0x15, Access.WRITE, TapeModePages::select6, 0x15, 0x11, 0, 0, 0xff, 0x07);
        add(t, 0x19, Access.WRITE, TapeWrites::erase6, 0x19, 0x03, 0, 0, 0, 0x07);
        add(t, 0x1a, Access.READ, TapeModePages::sense6, 0x1a, 0x08, 0xff, 0xff, 0xff, 0x07);
        add(t, 0x1b, Access.READ, TapeUnit::loadUnload, 0x1b, 0x01, 0, 0, 0x0f, 0x07);
        add(t, 0x1e, Access.READ, TapeUnit::preventAllow, 0x1e, 0, 0, 0, 0x03, 0x07);
        add(t, 0x2b, Access.READ, TapePositioning::locate10, 0x2b, 0x07, 0, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0x07);
        add(t, 0x34, Access.READ, ReadPosition::handle, 0x34, 0x1f, 0, 0, 0, 0, 0, 0xff, 0xff, 0x07);
        add(t, 0x44, Access.READ, DensitySupport::handle, 0x44, 0x01, 0, 0, 0, 0, 0, 0xff, 0xff, 0x07);
        add(t, 0x4d, Access.READ, TapeLogPages::logSense, 0x4d, 0x03, 0xff, 0xff, 0, 0xff, 0xff, 0xff, 0xff, 0x07);
        add(t, 0x55, Access.WRITE, TapeModePages::select10, 0x55, 0x11, 0, 0, 0, 0, 0, 0xff, 0xff, 0x07);
        add(t, 0x5a, Access.READ, TapeModePages::sense10, 0x5a, 0x18, 0xff, 0xff, 0, 0, 0, 0xff, 0xff, 0x07);
        add(t, 0x91, Access.READ, TapePositioning::space16, 0x91, 0x0f, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                0xff, 0xff, 0, 0, 0, 0x07);
        add(t, 0x92, Access.READ, TapePositioning::locate16, 0x92, 0x3f, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                0xff, 0xff, 0xff, 0, 0, 0, 0x07);
        return t;
    }

    private static void add(CommandTable t, int opcode, Access access, CommandHandler h, int... usage) {
        t.add(new Command(opcode, -1, usage(usage), access, reportingDeferredErrors(opcode, h)));
    }

    /**
     * Any command may find that the engine cannot store blocks a buffered WRITE already acknowledged
     * (a flush before reading, positioning, the next write): it then reports that loss as a deferred
     * error, and is not performed, rather than its own current error. A loss found outside the drive's
     * commands (the changer unloading the cartridge) is reported by the drive's next command, INQUIRY
     * aside (SPC-4 4.5.5); REQUEST SENSE returns it as its data.
     */
    private static CommandHandler reportingDeferredErrors(int opcode, CommandHandler h) {
        return (lu, r) -> {
            TapeDrive d = lu.device(TapeDrive.class);
            if (opcode != 0x12) {
                Sense pending = d.deferredError();
                if (pending != null && opcode == 0x03) {
                    return ScsiResponse.data(pending.encode((r.cdb()[1] & 0x01) != 0), r.cdb()[4] & 0xff);
                }
                if (pending != null) throw new CheckCondition(pending);
            }
            try {
                return h.handle(lu, r);
            } catch (EngineException e) {
                Sense deferred = d.failed();
                if (deferred == null) throw e;
                throw new CheckCondition(deferred);
            }
        };
    }
}
