package dev.cistern.vtl.scsi;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.spc.Inquiry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * INQUIRY (SPC-4 6.6) for an emulated device that must look like a known model to backup software:
 * standard data with the model's vendor, product and revision, and the VPD pages 0x00 (supported),
 * 0x80 (unit serial number) and 0x83 (device identification: T10 vendor id "VENDOR PRODUCT SERIAL", as
 * IBM and StorageTek devices report it, and an NAA 6 id derived from the serial).
 *
 * @param versionDescriptor the command-set standard (SSC-3 0x0400, SMC-3 0x0480)
 */
public record Identity(int deviceType, boolean removable, String vendor, String product, String revision,
                       String serial, int versionDescriptor) {

    public ScsiResponse inquiry(ScsiRequest r) {
        byte[] cdb = r.cdb();
        boolean evpd = (cdb[1] & 0x01) != 0;
        if ((cdb[1] & 0xfe) != 0) throw CheckCondition.invalidFieldInCdb();
        int page = Bytes.u8(cdb, 2);
        int alloc = Bytes.u16(cdb, 3);
        if (!evpd) {
            if (page != 0) throw CheckCondition.invalidFieldInCdb();
            return ScsiResponse.data(standard(), alloc);
        }
        byte[] b = switch (page) {
            case 0x00 -> page(0x00, new byte[] {0x00, (byte) 0x80, (byte) 0x83});
            case 0x80 -> page(0x80, serial.getBytes(StandardCharsets.US_ASCII));
            case 0x83 -> page(0x83, identification());
            default -> throw CheckCondition.invalidFieldInCdb();
        };
        return ScsiResponse.data(b, alloc);
    }

    private byte[] standard() {
        byte[] b = new byte[96];
        b[0] = (byte) deviceType;
        b[1] = (byte) (removable ? 0x80 : 0);
        b[2] = 0x06; // SPC-4
        b[3] = 0x12; // HISUP, response data format 2
        b[4] = (byte) (b.length - 5);
        b[7] = 0x02; // CMDQUE
        Bytes.putAscii(b, 8, 8, vendor);
        Bytes.putAscii(b, 16, 16, product);
        Bytes.putAscii(b, 32, 4, revision);
        Bytes.putAscii(b, 36, 20, serial); // vendor specific: IBM and STK put the serial here
        int[] versions = {0x00a0, 0x0960, 0x0460, versionDescriptor};
        for (int i = 0; i < versions.length; i++) Bytes.putShort(b, 58 + 2 * i, versions[i]);
        return b;
    }

    private byte[] page(int code, byte[] body) {
        byte[] b = new byte[4 + body.length];
        b[0] = (byte) deviceType;
        b[1] = (byte) code;
        Bytes.putShort(b, 2, body.length);
        System.arraycopy(body, 0, b, 4, body.length);
        return b;
    }

    private byte[] identification() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] t10 = new byte[8 + 16 + serial.length()];
        Bytes.putAscii(t10, 0, 8, vendor);
        Bytes.putAscii(t10, 8, 16, product);
        Bytes.putAscii(t10, 24, serial.length(), serial);
        Inquiry.designator(out, 0x02, 0x01, t10); // ASCII, T10 vendor id, logical unit
        Inquiry.designator(out, 0x01, 0x03, Inquiry.naa(vendor + product + serial)); // binary, NAA, logical unit
        return out.toByteArray();
    }
}
