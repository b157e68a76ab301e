package dev.cistern.iscsi.scsi.spc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ModeState;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;

import java.io.ByteArrayOutputStream;

/**
 * MODE SENSE and MODE SELECT, 6 and 10 byte forms (SPC-4 6.11-6.14), over three pages: caching (0x08,
 * WCE changeable), control (0x0A, D_SENSE and SWP changeable) and informational exceptions (0x1C,
 * fixed). Saved values are not supported: asking for them reports the current ones, asking to save
 * them is refused.
 */
public final class ModePages {
    private static final int CACHING = 0x08;
    private static final int CONTROL = 0x0a;
    private static final int INFO_EXCEPTIONS = 0x1c;
    private static final int ALL = 0x3f;
    private static final int PC_CHANGEABLE = 1;
    private static final int PC_DEFAULT = 2;

    private ModePages() {
    }

    public static ScsiResponse sense6(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        boolean dbd = (cdb[1] & 0x08) != 0;
        byte[] pages = pages(lu, cdb[2] & 0xff, cdb[3] & 0xff);
        byte[] desc = dbd ? new byte[0] : shortBlockDescriptor(lu);
        byte[] b = new byte[4 + desc.length + pages.length];
        b[0] = (byte) Math.min(255, b.length - 1);
        b[2] = (byte) deviceSpecific(lu);
        b[3] = (byte) desc.length;
        System.arraycopy(desc, 0, b, 4, desc.length);
        System.arraycopy(pages, 0, b, 4 + desc.length, pages.length);
        return ScsiResponse.data(b, cdb[4] & 0xff);
    }

    public static ScsiResponse sense10(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        boolean dbd = (cdb[1] & 0x08) != 0;
        boolean llbaa = (cdb[1] & 0x10) != 0;
        byte[] pages = pages(lu, cdb[2] & 0xff, cdb[3] & 0xff);
        byte[] desc = dbd ? new byte[0] : llbaa ? longBlockDescriptor(lu) : shortBlockDescriptor(lu);
        byte[] b = new byte[8 + desc.length + pages.length];
        Bytes.putShort(b, 0, b.length - 2);
        b[3] = (byte) deviceSpecific(lu);
        b[4] = (byte) (llbaa && !dbd ? 0x01 : 0);
        Bytes.putShort(b, 6, desc.length);
        System.arraycopy(desc, 0, b, 8, desc.length);
        System.arraycopy(pages, 0, b, 8 + desc.length, pages.length);
        return ScsiResponse.data(b, Bytes.u16(cdb, 7));
    }

    private static int deviceSpecific(LogicalUnit lu) {
        return (lu.writeProtected() ? 0x80 : 0) | 0x10; // WP, DPOFUA
    }

    private static byte[] shortBlockDescriptor(LogicalUnit lu) {
        byte[] d = new byte[8];
        long blocks = lu.blocks();
        Bytes.putInt(d, 0, blocks > 0xffffffffL ? -1 : (int) blocks);
        d[5] = (byte) (lu.blockSize() >>> 16);
        d[6] = (byte) (lu.blockSize() >>> 8);
        d[7] = (byte) lu.blockSize();
        return d;
    }

    private static byte[] longBlockDescriptor(LogicalUnit lu) {
        byte[] d = new byte[16];
        Bytes.putLong(d, 0, lu.blocks());
        Bytes.putInt(d, 12, lu.blockSize());
        return d;
    }

    private static byte[] pages(LogicalUnit lu, int pcAndPage, int subpage) {
        int pc = pcAndPage >>> 6;
        int page = pcAndPage & 0x3f;
        ModeState m = lu.mode();
        if (page == ALL) {
            if (subpage != 0 && subpage != 0xff) throw CheckCondition.invalidFieldInCdb();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(caching(m, pc));
            out.writeBytes(control(m, pc));
            out.writeBytes(informationalExceptions(pc));
            return out.toByteArray();
        }
        if (subpage != 0) throw CheckCondition.invalidFieldInCdb();
        return switch (page) {
            case CACHING -> caching(m, pc);
            case CONTROL -> control(m, pc);
            case INFO_EXCEPTIONS -> informationalExceptions(pc);
            default -> throw CheckCondition.invalidFieldInCdb();
        };
    }

    private static byte[] caching(ModeState m, int pc) {
        byte[] p = new byte[20];
        p[0] = CACHING;
        p[1] = 0x12;
        if (pc == PC_CHANGEABLE) p[2] = 0x04;
        else if (pc == PC_DEFAULT) p[2] = 0x04;
        else p[2] = (byte) (m.writeCacheEnabled ? 0x04 : 0);
        return p;
    }

    private static byte[] control(ModeState m, int pc) {
        byte[] p = new byte[12];
        p[0] = CONTROL;
        p[1] = 0x0a;
        if (pc == PC_CHANGEABLE) {
            p[2] = 0x04;
            p[4] = 0x08;
            return p;
        }
        boolean current = pc != PC_DEFAULT;
        p[2] = (byte) (current && m.descriptorSense ? 0x04 : 0);
        p[3] = 0x10; // queue algorithm modifier 1: unrestricted reordering allowed
        p[4] = (byte) (current && m.softwareWriteProtect ? 0x08 : 0);
        Bytes.putShort(p, 8, 0xffff); // busy timeout: unlimited
        return p;
    }

    private static byte[] informationalExceptions(int pc) {
        byte[] p = new byte[12];
        p[0] = INFO_EXCEPTIONS;
        p[1] = 0x0a;
        if (pc != PC_CHANGEABLE) p[2] = 0x08; // DEXCPT: no informational exception reporting
        return p;
    }

    public static ScsiResponse select6(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        return select(lu, r, cdb[1], cdb[4] & 0xff, 4);
    }

    public static ScsiResponse select10(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        return select(lu, r, cdb[1], Bytes.u16(cdb, 7), 8);
    }

    private static ScsiResponse select(LogicalUnit lu, ScsiRequest r, byte flags, int length, int headerLen) {
        if ((flags & 0x01) != 0) throw CheckCondition.savingNotSupported();
        if (length == 0) return ScsiResponse.wrote(0);
        byte[] d = r.dataOut();
        if (d.length < length || length < headerLen) throw CheckCondition.parameterListLength();
        int descLen = headerLen == 4 ? d[3] & 0xff : Bytes.u16(d, 6);
        int pos = headerLen + descLen;
        if (pos > length) throw CheckCondition.parameterListLength();
        ModeState m = lu.mode();
        Boolean wce = null;
        Boolean dsense = null;
        Boolean swp = null;
        while (pos < length) {
            if (pos + 2 > length) throw CheckCondition.parameterListLength();
            int page = d[pos] & 0x3f;
            boolean spf = (d[pos] & 0x40) != 0;
            int plen = spf ? (pos + 4 <= length ? Bytes.u16(d, pos + 2) + 4 : -1) : (d[pos + 1] & 0xff) + 2;
            if (plen < 0 || pos + plen > length) throw CheckCondition.parameterListLength();
            if (spf) throw CheckCondition.invalidFieldInParameterList();
            switch (page) {
                case CACHING -> {
                    if (plen != 20) throw CheckCondition.invalidFieldInParameterList();
                    wce = (d[pos + 2] & 0x04) != 0;
                }
                case CONTROL -> {
                    if (plen != 12) throw CheckCondition.invalidFieldInParameterList();
                    dsense = (d[pos + 2] & 0x04) != 0;
                    swp = (d[pos + 4] & 0x08) != 0;
                }
                case INFO_EXCEPTIONS -> {
                    if (plen != 12) throw CheckCondition.invalidFieldInParameterList();
                }
                default -> throw CheckCondition.invalidFieldInParameterList();
            }
            pos += plen;
        }
        if (wce != null) m.writeCacheEnabled = wce;
        if (dsense != null) m.descriptorSense = dsense;
        if (swp != null) m.softwareWriteProtect = swp;
        return ScsiResponse.wrote(length);
    }
}
