package dev.cistern.vtl.ssc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import java.io.ByteArrayOutputStream;

/**
 * REPORT DENSITY SUPPORT (SSC-3 6.x): one 52-byte descriptor for the drive's native LTO density
 * (writable, default); with MEDIA set, the density of the mounted cartridge.
 */
final class DensitySupport {
    private DensitySupport() {
    }

    static ScsiResponse handle(LogicalUnit lu, ScsiRequest r) {
        TapeDrive d = lu.device(TapeDrive.class);
        byte[] cdb = r.cdb();
        boolean media = (cdb[1] & 0x01) != 0;
        if ((cdb[1] & 0xfc) != 0) throw CheckCondition.invalidFieldInCdb(); // MEDIUM TYPE not supported
        long capacityMb;
        synchronized (d) {
            if (media) d.ready();
            capacityMb = media ? d.medium.cartridge().capacity() / 1_000_000 : d.model.nativeCapacityMb();
        }
        byte[] desc = new byte[52];
        desc[0] = (byte) d.model.density();
        desc[1] = (byte) d.model.density();
        desc[2] = (byte) 0xa0; // WRTOK, DEFLT
        Bytes.putShort(desc, 8, 127); // 12.7 mm tape
        Bytes.putInt(desc, 12, (int) Math.min(0xffffffffL, capacityMb));
        Bytes.putAscii(desc, 16, 8, "LTO-CVE");
        Bytes.putAscii(desc, 24, 8, d.model.densityName());
        Bytes.putAscii(desc, 32, 20, "Ultrium " + d.model.densityName().substring(4));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[4]);
        out.writeBytes(desc);
        byte[] b = out.toByteArray();
        Bytes.putShort(b, 0, b.length - 2);
        return ScsiResponse.data(b, Bytes.u16(cdb, 7));
    }
}
