package dev.cistern.iscsi.scsi.sbc;

import dev.cistern.iscsi.scsi.Command;
import dev.cistern.iscsi.scsi.Command.Access;
import dev.cistern.iscsi.scsi.CommandTable;
import dev.cistern.iscsi.scsi.spc.Inquiry;
import dev.cistern.iscsi.scsi.spc.SpcCommands;

import static dev.cistern.iscsi.scsi.Command.usage;

/**
 * The SBC-3 direct-access block device: the SPC commands plus the block commands, as one dispatch
 * table. Built once and shared by every disk LUN (handlers keep their state in the LogicalUnit).
 */
public final class DiskModel {
    private static final CommandTable TABLE = build();

    private DiskModel() {
    }

    public static CommandTable commands() {
        return TABLE;
    }

    private static CommandTable build() {
        CommandTable t = new CommandTable();
        SpcCommands.register(t, new Inquiry(0x00, BlockVpd.pages()));
        int[] cdb10 = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0xff, 0xff, 0x07};
        int[] cdb12 = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x07};
        int[] cdb16 = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x07};
        // READ/WRITE: RDPROTECT/WRPROTECT, DPO, FUA in byte 1
        add(t, 0x08, Access.READ, ReadWrite::read, 0x08, 0x1f, 0xff, 0xff, 0xff, 0x07);
        add(t, 0x0a, Access.WRITE, ReadWrite::write, 0x0a, 0x1f, 0xff, 0xff, 0xff, 0x07);
        add(t, 0x28, Access.READ, ReadWrite::read, with(cdb10, 0x28, 0xf8));
        add(t, 0x2a, Access.WRITE, ReadWrite::write, with(cdb10, 0x2a, 0xf8));
        add(t, 0x2e, Access.WRITE, ReadWrite::writeAndVerify, with(cdb10, 0x2e, 0xf2));
        add(t, 0x2f, Access.READ, ReadWrite::verify, with(cdb10, 0x2f, 0xf6));
        add(t, 0xa8, Access.READ, ReadWrite::read, with(cdb12, 0xa8, 0xf8));
        add(t, 0xaa, Access.WRITE, ReadWrite::write, with(cdb12, 0xaa, 0xf8));
        add(t, 0xae, Access.WRITE, ReadWrite::writeAndVerify, with(cdb12, 0xae, 0xf2));
        add(t, 0xaf, Access.READ, ReadWrite::verify, with(cdb12, 0xaf, 0xf6));
        add(t, 0x88, Access.READ, ReadWrite::read, with(cdb16, 0x88, 0xf8));
        add(t, 0x8a, Access.WRITE, ReadWrite::write, with(cdb16, 0x8a, 0xf8));
        add(t, 0x8e, Access.WRITE, ReadWrite::writeAndVerify, with(cdb16, 0x8e, 0xf2));
        add(t, 0x8f, Access.READ, ReadWrite::verify, with(cdb16, 0x8f, 0xf6));
        add(t, 0x9c, Access.WRITE, ReadWrite::writeAtomic,
                0x9c, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0xff, 0xff, 0x1f, 0x07);
        add(t, 0x83, Access.WRITE, ExtendedCopy::extendedCopy,
                0x83, 0x1f, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x07);
        for (int sa : new int[]{0x00, 0x03}) {
            t.add(new Command(0x84, sa, usage(0x84, 0x1f, 0xff, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x07),
                    Access.READ, ExtendedCopy::receiveCopyResults));
        }
        add(t, 0x8b, Access.WRITE, ReadWrite::orWrite, with(cdb16, 0x8b, 0xf8));
        add(t, 0x89, Access.WRITE, ReadWrite::compareAndWrite,
                0x89, 0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0xff, 0x1f, 0x07);
        add(t, 0x41, Access.WRITE, Provisioning::writeSame, with(cdb10, 0x41, 0xe8));
        add(t, 0x93, Access.WRITE, Provisioning::writeSame, with(cdb16, 0x93, 0xe9));
        add(t, 0x42, Access.WRITE, Provisioning::unmap, 0x42, 0x01, 0, 0, 0, 0, 0x1f, 0xff, 0xff, 0x07);
        // SANITIZE: OVERWRITE, BLOCK ERASE, EXIT FAILURE MODE; no CRYPTO ERASE (0x03), see Sanitize
        for (int sa : new int[]{Sanitize.OVERWRITE, Sanitize.BLOCK_ERASE, Sanitize.EXIT_FAILURE_MODE}) {
            t.add(new Command(0x48, sa, usage(0x48, 0xa0 | sa, 0, 0, 0, 0, 0, 0xff, 0xff, 0x07), Access.WRITE,
                    Sanitize::sanitize));
        }
        add(t, 0x25, Access.READ, CapacityAndCache::readCapacity10, 0x25, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0x01, 0x07);
        t.add(new Command(0x9e, 0x10, usage(0x9e, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                0xff, 0xff, 0, 0x07), Access.READ, CapacityAndCache::readCapacity16));
        t.add(new Command(0x9e, 0x12, usage(0x9e, 0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                0xff, 0xff, 0, 0x07), Access.READ, Provisioning::getLbaStatus));
        add(t, 0x35, Access.WRITE, CapacityAndCache::synchronizeCache, with(cdb10, 0x35, 0x02));
        add(t, 0x91, Access.WRITE, CapacityAndCache::synchronizeCache, with(cdb16, 0x91, 0x02));
        add(t, 0x34, Access.READ, CapacityAndCache::preFetch, with(cdb10, 0x34, 0x02));
        add(t, 0x90, Access.READ, CapacityAndCache::preFetch, with(cdb16, 0x90, 0x02));
        add(t, 0x1b, Access.WRITE, CapacityAndCache::startStopUnit, 0x1b, 0x01, 0, 0x0f, 0xf7, 0x07);
        add(t, 0x1e, Access.READ, CapacityAndCache::preventAllow, 0x1e, 0, 0, 0, 0x03, 0x07);
        add(t, 0x37, Access.READ, CapacityAndCache::readDefectData, 0x37, 0, 0x1f, 0, 0, 0, 0, 0xff, 0xff, 0x07);
        add(t, 0xb7, Access.READ, CapacityAndCache::readDefectData,
                0xb7, 0x1f, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x07);
        return t;
    }

    private static int[] with(int[] template, int opcode, int byte1) {
        int[] u = template.clone();
        u[0] = opcode;
        u[1] = byte1;
        return u;
    }

    private static void add(CommandTable t, int opcode, Access access, dev.cistern.iscsi.scsi.CommandHandler h,
                            int... usage) {
        t.add(new Command(opcode, -1, usage(usage), access, h));
    }
}
