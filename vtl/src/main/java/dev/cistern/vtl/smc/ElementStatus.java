package dev.cistern.vtl.smc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.Sense;
import dev.cistern.vtl.library.Element;
import dev.cistern.vtl.library.ElementType;
import dev.cistern.vtl.library.Library;
import dev.cistern.vtl.library.LibraryConfig;
import dev.cistern.vtl.ssc.TapeDrive;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * READ ELEMENT STATUS (SMC-3 6.10): element status data header, then one element status page per
 * element type, each with descriptors of one length: 12 bytes, the primary volume tag (36 bytes:
 * barcode padded with spaces, as backup software reads it) when VOLTAG is set, then the device
 * identifier block (4 bytes, plus the drive's serial as a 32-byte ASCII identifier when DVCID is set
 * on data transfer elements, which is how backup software matches drives to changer elements).
 */
final class ElementStatus {
    private static final int ID_BYTES = 32;

    private ElementStatus() {
    }

    static ScsiResponse handle(LogicalUnit lu, ScsiRequest r) {
        Changer ch = lu.device(Changer.class);
        Library lib = ch.library();
        byte[] cdb = r.cdb();
        boolean voltag = (cdb[1] & 0x10) != 0;
        int typeCode = cdb[1] & 0x0f;
        int start = Bytes.u16(cdb, 2);
        int count = Bytes.u16(cdb, 4);
        boolean dvcid = (cdb[6] & 0x01) != 0;
        int alloc = Bytes.u24(cdb, 7);
        if (typeCode > 4 || (cdb[1] & 0xe0) != 0) throw CheckCondition.invalidFieldInCdb();
        List<Element> picked = new ArrayList<>();
        for (Element e : lib.elements()) {
            if (picked.size() >= count) break;
            if (e.address() < start || typeCode != 0 && e.type().code() != typeCode) continue;
            picked.add(e);
        }
        if (picked.isEmpty() && count > 0 && lib.element(start) == null && !anyAbove(lib, start, typeCode)) {
            throw new CheckCondition(new Sense(Sense.ILLEGAL_REQUEST, 0x21, 0x01)); // invalid element address
        }
        ByteArrayOutputStream pages = new ByteArrayOutputStream();
        for (ElementType t : ElementType.values()) {
            List<Element> ofType = picked.stream().filter(e -> e.type() == t).toList();
            if (!ofType.isEmpty()) pages.writeBytes(page(lib, t, ofType, voltag, dvcid));
        }
        byte[] body = pages.toByteArray();
        byte[] b = new byte[8 + body.length];
        Bytes.putShort(b, 0, picked.isEmpty() ? 0 : picked.getFirst().address());
        Bytes.putShort(b, 2, picked.size());
        b[5] = (byte) (body.length >>> 16);
        b[6] = (byte) (body.length >>> 8);
        b[7] = (byte) body.length;
        System.arraycopy(body, 0, b, 8, body.length);
        return ScsiResponse.data(b, alloc);
    }

    private static boolean anyAbove(Library lib, int start, int typeCode) {
        return lib.elements().stream().anyMatch(e -> e.address() >= start
                && (typeCode == 0 || e.type().code() == typeCode));
    }

    private static byte[] page(Library lib, ElementType t, List<Element> elements, boolean voltag, boolean dvcid) {
        boolean withId = dvcid && t == ElementType.DATA_TRANSFER;
        int descLen = 12 + (voltag ? 36 : 0) + 4 + (withId ? ID_BYTES : 0);
        byte[] b = new byte[8 + descLen * elements.size()];
        b[0] = (byte) t.code();
        b[1] = (byte) (voltag ? 0x80 : 0);
        Bytes.putShort(b, 2, descLen);
        int bytes = descLen * elements.size();
        b[5] = (byte) (bytes >>> 16);
        b[6] = (byte) (bytes >>> 8);
        b[7] = (byte) bytes;
        int at = 8;
        for (Element e : elements) {
            Bytes.putShort(b, at, e.address());
            b[at + 2] = (byte) flags(lib, e);
            if (t == ElementType.DATA_TRANSFER) {
                int lun = e.address() - LibraryConfig.FIRST_DRIVE + 1;
                b[at + 6] = (byte) (0x10 | (lun & 0x07)); // LU VALID, LUN
            }
            if (e.full() && e.source() >= 0) {
                b[at + 9] = (byte) 0x80; // SVALID
                Bytes.putShort(b, at + 10, e.source());
            }
            int p = at + 12;
            if (voltag) {
                if (e.full()) Bytes.putAscii(b, p, 32, e.barcode());
                p += 36;
            }
            if (withId) {
                TapeDrive d = lib.drives().get(e.address() - LibraryConfig.FIRST_DRIVE);
                b[p] = 0x02; // ASCII
                b[p + 1] = 0x00; // vendor specific identifier: the drive's serial number
                b[p + 3] = ID_BYTES;
                Bytes.putAscii(b, p + 4, ID_BYTES, d.serial());
            }
            at += descLen;
        }
        return b;
    }

    /** SMC-3 table 26-30: FULL, IMPEXP, ACCESS, EXENAB, INENAB by element type. */
    private static int flags(Library lib, Element e) {
        int f = e.full() ? 0x01 : 0;
        return switch (e.type()) {
            case TRANSPORT -> f;
            case STORAGE, DATA_TRANSFER -> f | 0x08;
            case IMPORT_EXPORT -> f | (e.imported() ? 0x02 : 0) | (lib.preventRemoval() ? 0 : 0x08) | 0x30;
        };
    }
}
