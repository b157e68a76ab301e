package dev.cistern.vtl.ssc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import java.io.ByteArrayOutputStream;

/**
 * LOG SENSE (SPC-4 6.8) of a tape drive: supported pages (0x00), write and read error counters (0x02,
 * 0x03: a virtual drive has no errors, the byte counts are real), sequential-access device (0x0C, SSC-3
 * 8.2.3) and TapeAlert (0x2E, SSC-3 8.2.4: 64 one-byte flags, none raised by a virtual drive).
 */
final class TapeLogPages {
    private static final int[] SUPPORTED = {0x00, 0x02, 0x03, 0x0c, 0x2e};

    private TapeLogPages() {
    }

    static ScsiResponse logSense(LogicalUnit lu, ScsiRequest r) {
        TapeDrive d = lu.device(TapeDrive.class);
        byte[] cdb = r.cdb();
        int page = cdb[2] & 0x3f;
        int subpage = cdb[3] & 0xff;
        if ((cdb[1] & 0x02) != 0 || subpage != 0 || Bytes.u16(cdb, 5) != 0) throw CheckCondition.invalidFieldInCdb();
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        synchronized (d) {
            switch (page) {
                case 0x00 -> {
                    for (int s : SUPPORTED) p.write(s);
                }
                case 0x02 -> counters(p, d.bytesWritten);
                case 0x03 -> counters(p, d.bytesRead);
                case 0x0c -> {
                    param(p, 0x0000, d.bytesWritten);
                    param(p, 0x0001, d.bytesWritten);
                    param(p, 0x0002, d.bytesRead);
                    param(p, 0x0003, d.bytesRead);
                    long ew = d.medium != null ? d.medium.cartridge().earlyWarning() : 0;
                    long used = d.medium != null ? d.medium.usedBytes() : 0;
                    param(p, 0x0004, ew / 1_000_000);
                    param(p, 0x0005, Math.max(0, ew - used) / 1_000_000);
                    p.writeBytes(new byte[] {0x01, 0x00, 0x03, 0x01, 0x00}); // 0x0100 cleaning required: no
                }
                case 0x2e -> {
                    for (int flag = 1; flag <= 64; flag++) {
                        p.writeBytes(new byte[] {0, (byte) flag, 0x03, 0x01, 0});
                    }
                }
                default -> throw CheckCondition.invalidFieldInCdb();
            }
        }
        byte[] body = p.toByteArray();
        byte[] b = new byte[4 + body.length];
        b[0] = (byte) page;
        Bytes.putShort(b, 2, body.length);
        System.arraycopy(body, 0, b, 4, body.length);
        return ScsiResponse.data(b, Bytes.u16(cdb, 7));
    }

    /** Error counter page: corrected errors 0 (0x0000-0x0003), total bytes processed, uncorrected 0. */
    private static void counters(ByteArrayOutputStream p, long bytes) {
        for (int code = 0; code <= 4; code++) param(p, code, 0);
        param(p, 0x0005, bytes);
        param(p, 0x0006, 0);
    }

    private static void param(ByteArrayOutputStream p, int code, long value) {
        byte[] b = new byte[12];
        Bytes.putShort(b, 0, code);
        b[2] = 0x00; // bounded data counter
        b[3] = 8;
        Bytes.putLong(b, 4, value);
        p.writeBytes(b);
    }
}
