package dev.cistern.vtl.smc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.vtl.library.LibraryConfig;
import java.io.ByteArrayOutputStream;

/**
 * MODE SENSE (6/10) of the changer (SMC-3 7.3): element address assignment (0x1D), transport geometry
 * (0x1E) and device capabilities (0x1F). Nothing is changeable, so MODE SELECT accepts a header
 * without pages only; saved values are not supported.
 */
final class ChangerModePages {
    private ChangerModePages() {
    }

    static ScsiResponse sense6(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        byte[] p = pages(lu, cdb[2] & 0xff, cdb[3] & 0xff);
        byte[] b = new byte[4 + p.length];
        b[0] = (byte) (b.length - 1);
        System.arraycopy(p, 0, b, 4, p.length);
        return ScsiResponse.data(b, cdb[4] & 0xff);
    }

    static ScsiResponse sense10(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        byte[] p = pages(lu, cdb[2] & 0xff, cdb[3] & 0xff);
        byte[] b = new byte[8 + p.length];
        Bytes.putShort(b, 0, b.length - 2);
        System.arraycopy(p, 0, b, 8, p.length);
        return ScsiResponse.data(b, Bytes.u16(cdb, 7));
    }

    static ScsiResponse select(LogicalUnit lu, ScsiRequest r) {
        if ((r.cdb()[1] & 0x01) != 0) throw CheckCondition.savingNotSupported();
        int len = r.opcode() == 0x15 ? r.cdb()[4] & 0xff : Bytes.u16(r.cdb(), 7);
        int header = r.opcode() == 0x15 ? 4 : 8;
        if (len > header) throw CheckCondition.invalidFieldInParameterList();
        return ScsiResponse.wrote(len);
    }

    private static byte[] pages(LogicalUnit lu, int pcAndPage, int subpage) {
        int pc = pcAndPage >> 6;
        int page = pcAndPage & 0x3f;
        if (pc == 3) throw CheckCondition.savingNotSupported();
        if (subpage != 0) throw CheckCondition.invalidFieldInCdb();
        LibraryConfig c = lu.device(Changer.class).library().config();
        boolean changeable = pc == 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (page == 0x1d || page == 0x3f) {
            byte[] b = new byte[20];
            b[0] = 0x1d;
            b[1] = 18;
            if (!changeable) {
                Bytes.putShort(b, 2, LibraryConfig.TRANSPORT);
                Bytes.putShort(b, 4, 1);
                Bytes.putShort(b, 6, LibraryConfig.FIRST_SLOT);
                Bytes.putShort(b, 8, c.slots());
                Bytes.putShort(b, 10, LibraryConfig.FIRST_MAILSLOT);
                Bytes.putShort(b, 12, c.mailslots());
                Bytes.putShort(b, 14, LibraryConfig.FIRST_DRIVE);
                Bytes.putShort(b, 16, c.drives());
            }
            out.writeBytes(b);
        }
        if (page == 0x1e || page == 0x3f) {
            out.writeBytes(new byte[] {0x1e, 2, 0, 0});
        }
        if (page == 0x1f || page == 0x3f) {
            byte[] b = new byte[20];
            b[0] = 0x1f;
            b[1] = 18;
            if (!changeable) {
                b[2] = 0x0f; // StorDT, StorI/E, StorST, StorMT
                b[4] = 0x0e; // MT -> ST, I/E, DT
                b[5] = 0x0e; // ST -> ST, I/E, DT
                b[6] = 0x0e; // I/E -> ST, I/E, DT
                b[7] = 0x0e; // DT -> ST, I/E, DT
            }
            out.writeBytes(b);
        }
        if (out.size() == 0) throw CheckCondition.invalidFieldInCdb();
        return out.toByteArray();
    }
}
