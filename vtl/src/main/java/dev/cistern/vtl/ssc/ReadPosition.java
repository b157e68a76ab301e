package dev.cistern.vtl.ssc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.vtl.media.TapeMedium;

/**
 * READ POSITION (SSC-3 7.5): short form (service actions 0 and 1, 20 bytes), long form (6, 32 bytes,
 * with the file number) and extended form (8). The drive's buffer is the engine's, so the "in buffer"
 * counts are always zero; one partition.
 */
final class ReadPosition {
    private ReadPosition() {
    }

    static ScsiResponse handle(LogicalUnit lu, ScsiRequest r) {
        TapeDrive d = lu.device(TapeDrive.class);
        byte[] cdb = r.cdb();
        int sa = cdb[1] & 0x1f;
        synchronized (d) {
            TapeMedium m = d.ready();
            long pos = d.position;
            int flags = (pos == 0 ? 0x80 : 0) | (d.pastEarlyWarning() ? 0x01 : 0); // BOP, BPEW
            switch (sa) {
                case 0, 1 -> {
                    byte[] b = new byte[20];
                    b[0] = (byte) (flags | (pos > 0xffffffffL ? 0x04 : 0)); // BPU when it does not fit
                    if (pos <= 0xffffffffL) {
                        Bytes.putInt(b, 4, (int) pos);
                        Bytes.putInt(b, 8, (int) pos);
                    }
                    return ScsiResponse.data(b);
                }
                case 6 -> {
                    byte[] b = new byte[32];
                    b[0] = (byte) flags; // BOP, BPEW (bit 6 is EOP: never set, a write past the end fails)
                    Bytes.putLong(b, 8, pos);
                    Bytes.putLong(b, 16, m.marksBefore(pos));
                    return ScsiResponse.data(b);
                }
                case 8 -> {
                    byte[] b = new byte[32];
                    b[0] = (byte) flags;
                    Bytes.putShort(b, 2, 28);
                    Bytes.putLong(b, 8, pos);
                    Bytes.putLong(b, 16, pos);
                    return ScsiResponse.data(b, Bytes.u16(cdb, 7));
                }
                default -> throw CheckCondition.invalidFieldInCdb();
            }
        }
    }
}
