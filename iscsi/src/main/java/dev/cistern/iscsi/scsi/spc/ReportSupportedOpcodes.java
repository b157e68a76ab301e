package dev.cistern.iscsi.scsi.spc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.Command;
import dev.cistern.iscsi.scsi.CommandTable;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;

import java.io.ByteArrayOutputStream;

/**
 * REPORT SUPPORTED OPERATION CODES (MAINTENANCE IN, service action 0x0C; SPC-4 6.35), answered from the
 * device model's own dispatch table so the report can never disagree with what is implemented.
 */
public final class ReportSupportedOpcodes {
    private ReportSupportedOpcodes() {
    }

    public static ScsiResponse handle(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        boolean rctd = (cdb[2] & 0x80) != 0;
        int options = cdb[2] & 0x07;
        int opcode = cdb[3] & 0xff;
        int sa = Bytes.u16(cdb, 4);
        long alloc = Bytes.u32(cdb, 6);
        CommandTable table = lu.commands();
        byte[] out = switch (options) {
            case 0 -> all(table, rctd);
            case 1 -> {
                if (table.hasServiceActions(opcode)) throw CheckCondition.invalidFieldInCdb();
                yield one(table.lookup(opcode, -1), rctd);
            }
            case 2 -> {
                if (!table.hasServiceActions(opcode)) throw CheckCondition.invalidFieldInCdb();
                yield one(sa > 0x1f ? null : table.lookup(opcode, sa), rctd);
            }
            case 3 -> one(table.hasServiceActions(opcode) ? table.lookup(opcode, sa > 0x1f ? -2 : sa)
                    : sa == 0 ? table.lookup(opcode, -1) : null, rctd);
            default -> throw CheckCondition.invalidFieldInCdb();
        };
        return ScsiResponse.data(out, (int) Math.min(alloc, Integer.MAX_VALUE));
    }

    private static byte[] all(CommandTable table, boolean rctd) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (Command c : table.all()) {
            byte[] d = new byte[8];
            d[0] = (byte) c.opcode();
            if (c.serviceAction() >= 0) {
                Bytes.putShort(d, 2, c.serviceAction());
                d[5] = 0x01; // SERVACTV
            }
            if (rctd) d[5] |= 0x02; // CTDP
            Bytes.putShort(d, 6, c.usage().length);
            list.writeBytes(d);
            if (rctd) list.writeBytes(timeouts());
        }
        byte[] body = list.toByteArray();
        byte[] b = new byte[4 + body.length];
        Bytes.putInt(b, 0, body.length);
        System.arraycopy(body, 0, b, 4, body.length);
        return b;
    }

    private static byte[] one(Command c, boolean rctd) {
        if (c == null) {
            byte[] b = new byte[4];
            b[1] = 0x01; // not supported
            return b;
        }
        byte[] usage = c.usage();
        byte[] b = new byte[4 + usage.length + (rctd ? 12 : 0)];
        b[1] = (byte) ((rctd ? 0x80 : 0) | 0x03); // supported per standard
        Bytes.putShort(b, 2, usage.length);
        System.arraycopy(usage, 0, b, 4, usage.length);
        if (rctd) System.arraycopy(timeouts(), 0, b, 4 + usage.length, 12);
        return b;
    }

    /** Command timeouts descriptor: nominal 0 (unknown), recommended 30 s. */
    private static byte[] timeouts() {
        byte[] t = new byte[12];
        Bytes.putShort(t, 0, 0x0a);
        Bytes.putInt(t, 8, 30);
        return t;
    }
}
