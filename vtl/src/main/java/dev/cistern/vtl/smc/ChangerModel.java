package dev.cistern.vtl.smc;

import static dev.cistern.iscsi.scsi.Command.usage;

import dev.cistern.iscsi.scsi.Command;
import dev.cistern.iscsi.scsi.Command.Access;
import dev.cistern.iscsi.scsi.CommandHandler;
import dev.cistern.iscsi.scsi.CommandTable;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.spc.Inquiry;
import dev.cistern.iscsi.scsi.spc.Reservations;
import dev.cistern.iscsi.scsi.spc.SpcCommands;
import java.util.Map;

/** The SMC-3 medium changer: the shared SPC commands with the changer's own, as one dispatch table. */
public final class ChangerModel {
    private static final CommandTable TABLE = build();

    private ChangerModel() {
    }

    public static CommandTable commands() {
        return TABLE;
    }

    public static LogicalUnit unit(int lun, Changer changer, Reservations reservations) {
        return new LogicalUnit(lun, changer, TABLE, reservations, changer.identity().serial());
    }

    private static CommandTable build() {
        CommandTable t = new CommandTable();
        SpcCommands.register(t, new Inquiry(0x08, Map.of()));
        add(t, 0x00, Access.READ, ChangerCommands::testUnitReady, 0x00, 0, 0, 0, 0, 0x07);
        add(t, 0x03, Access.ALWAYS, ChangerCommands::requestSense, 0x03, 0x01, 0, 0, 0xff, 0x07);
        add(t, 0x07, Access.WRITE, ChangerCommands::initializeElementStatus, 0x07, 0, 0, 0, 0, 0x07);
        add(t, 0x12, Access.ALWAYS, ChangerCommands::inquiry, 0x12, 0x01, 0xff, 0xff, 0xff, 0x07);
        add(t, 0x15, Access.WRITE, ChangerModePages::select, 0x15, 0x11, 0, 0, 0xff, 0x07);
        add(t, 0x1a, Access.READ, ChangerModePages::sense6, 0x1a, 0x08, 0xff, 0xff, 0xff, 0x07);
        add(t, 0x1e, Access.READ, ChangerCommands::preventAllow, 0x1e, 0, 0, 0, 0x03, 0x07);
        add(t, 0x2b, Access.WRITE, ChangerCommands::positionToElement, 0x2b, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0x01,
                0x07);
        add(t, 0x37, Access.WRITE, ChangerCommands::initializeWithRange, 0x37, 0x03, 0xff, 0xff, 0, 0, 0xff, 0xff,
                0, 0x07);
        add(t, 0x55, Access.WRITE, ChangerModePages::select, 0x55, 0x11, 0, 0, 0, 0, 0, 0xff, 0xff, 0x07);
        add(t, 0x5a, Access.READ, ChangerModePages::sense10, 0x5a, 0x08, 0xff, 0xff, 0, 0, 0, 0xff, 0xff, 0x07);
        add(t, 0xa5, Access.WRITE, ChangerCommands::moveMedium, 0xa5, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0,
                0x01, 0x07);
        add(t, 0xb8, Access.READ, ElementStatus::handle, 0xb8, 0x1f, 0xff, 0xff, 0xff, 0xff, 0x03, 0xff, 0xff,
                0xff, 0, 0x07);
        return t;
    }

    private static void add(CommandTable t, int opcode, Access access, CommandHandler h, int... usage) {
        t.add(new Command(opcode, -1, usage(usage), access, h));
    }
}
