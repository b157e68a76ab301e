package dev.cistern.vtl.ssc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import java.io.ByteArrayOutputStream;

/**
 * MODE SENSE / MODE SELECT (6 and 10) of a tape drive (SSC-3 8.3): the block descriptor (density and
 * block length: 0 selects variable mode), and the pages control (0x0A, D_SENSE), data compression
 * (0x0F, DCE), device configuration (0x10, select data compression) and medium partition (0x11, one
 * partition). Saved values are not supported.
 */
final class TapeModePages {
    private static final int PC_CHANGEABLE = 1;
    private static final int PC_DEFAULT = 2;
    private static final int PC_SAVED = 3;
    private static final int[] PAGES = {0x0a, 0x0f, 0x10, 0x11};

    private TapeModePages() {
    }

    static ScsiResponse sense6(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        TapeDrive d = lu.device(TapeDrive.class);
        synchronized (d) {
            byte[] pages = pages(d, cdb[2] & 0xff, cdb[3] & 0xff);
            byte[] desc = (cdb[1] & 0x08) != 0 ? new byte[0] : descriptor(d, (cdb[2] & 0xff) >> 6);
            byte[] b = new byte[4 + desc.length + pages.length];
            b[0] = (byte) (b.length - 1);
            b[2] = (byte) deviceSpecific(d);
            b[3] = (byte) desc.length;
            System.arraycopy(desc, 0, b, 4, desc.length);
            System.arraycopy(pages, 0, b, 4 + desc.length, pages.length);
            return ScsiResponse.data(b, cdb[4] & 0xff);
        }
    }

    static ScsiResponse sense10(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        TapeDrive d = lu.device(TapeDrive.class);
        synchronized (d) {
            if ((cdb[1] & 0x10) != 0) throw CheckCondition.invalidFieldInCdb(); // LLBAA: no long descriptors
            byte[] pages = pages(d, cdb[2] & 0xff, cdb[3] & 0xff);
            byte[] desc = (cdb[1] & 0x08) != 0 ? new byte[0] : descriptor(d, (cdb[2] & 0xff) >> 6);
            byte[] b = new byte[8 + desc.length + pages.length];
            Bytes.putShort(b, 0, b.length - 2);
            b[3] = (byte) deviceSpecific(d);
            Bytes.putShort(b, 6, desc.length);
            System.arraycopy(desc, 0, b, 8, desc.length);
            System.arraycopy(pages, 0, b, 8 + desc.length, pages.length);
            return ScsiResponse.data(b, Bytes.u16(cdb, 7));
        }
    }

    /** WP, BUFFERED MODE (SSC-3 8.3.2). */
    private static int deviceSpecific(TapeDrive d) {
        return (d.writeProtected() ? 0x80 : 0) | d.bufferedMode << 4;
    }

    private static byte[] descriptor(TapeDrive d, int pc) {
        byte[] b = new byte[8];
        if (pc == PC_CHANGEABLE) {
            b[5] = b[6] = b[7] = (byte) 0xff;
            return b;
        }
        b[0] = (byte) (d.medium != null ? d.model.density() : 0);
        if (pc != PC_DEFAULT) {
            b[5] = (byte) (d.blockSize >>> 16);
            b[6] = (byte) (d.blockSize >>> 8);
            b[7] = (byte) d.blockSize;
        }
        return b;
    }

    private static byte[] pages(TapeDrive d, int pcAndPage, int subpage) {
        int pc = pcAndPage >> 6;
        int page = pcAndPage & 0x3f;
        if (pc == PC_SAVED) throw CheckCondition.savingNotSupported();
        if (subpage != 0 && !(page == 0x3f && subpage == 0xff)) throw CheckCondition.invalidFieldInCdb();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int p : PAGES) {
            if (page == 0x3f || page == p) out.writeBytes(page(d, p, pc));
        }
        if (out.size() == 0 && page != 0) throw CheckCondition.invalidFieldInCdb();
        return out.toByteArray();
    }

    private static byte[] page(TapeDrive d, int p, int pc) {
        boolean ch = pc == PC_CHANGEABLE;
        boolean def = pc == PC_DEFAULT;
        return switch (p) {
            case 0x0a -> {
                byte[] b = new byte[12];
                b[0] = 0x0a;
                b[1] = 10;
                b[2] = (byte) (ch ? 0x04 : !def && d.descriptorSense ? 0x04 : 0);
                yield b;
            }
            case 0x0f -> {
                byte[] b = new byte[16];
                b[0] = 0x0f;
                b[1] = 14;
                if (ch) {
                    b[2] = (byte) 0x80;
                } else {
                    b[2] = (byte) ((def || d.compression ? 0x80 : 0) | 0x40); // DCE, DCC
                    b[3] = (byte) 0x80; // DDE
                    Bytes.putInt(b, 4, 1);
                    Bytes.putInt(b, 8, 1);
                }
                yield b;
            }
            case 0x10 -> {
                byte[] b = new byte[16];
                b[0] = 0x10;
                b[1] = 14;
                if (ch) {
                    b[14] = (byte) 0xff;
                } else {
                    b[10] = 0x18; // EEG, SEW
                    b[14] = (byte) (def || d.compression ? 1 : 0);
                }
                yield b;
            }
            default -> { // 0x11 medium partition: one partition, capacity in GB
                byte[] b = new byte[10];
                b[0] = 0x11;
                b[1] = 8;
                if (!ch) {
                    b[4] = 0x18; // PSUM 11b: units of 10^PARTITION UNITS bytes
                    b[5] = 0x03; // format and partition recognition
                    b[6] = 9;
                    long cap = d.medium != null ? d.medium.cartridge().capacity() : d.model.nativeCapacityMb() * 1_000_000L;
                    Bytes.putShort(b, 8, (int) Math.min(0xffff, cap / 1_000_000_000L));
                }
                yield b;
            }
        };
    }

    /** PAGE LENGTH of the changeable pages, as {@link #page} builds them. */
    private static int pageLength(int page) {
        return page == 0x0a ? 10 : 14;
    }

    static ScsiResponse select6(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        if ((cdb[1] & 0x01) != 0) throw CheckCondition.savingNotSupported();
        int len = cdb[4] & 0xff;
        return select(lu, r.dataOut(), len, false);
    }

    static ScsiResponse select10(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        if ((cdb[1] & 0x01) != 0) throw CheckCondition.savingNotSupported();
        return select(lu, r.dataOut(), Bytes.u16(cdb, 7), true);
    }

    private static ScsiResponse select(LogicalUnit lu, byte[] data, int len, boolean ten) {
        TapeDrive d = lu.device(TapeDrive.class);
        if (len == 0) return ScsiResponse.wrote(0);
        if (data.length < len) throw CheckCondition.parameterListLength();
        int header = ten ? 8 : 4;
        if (len < header) throw CheckCondition.parameterListLength();
        int descLen = ten ? Bytes.u16(data, 6) : data[3] & 0xff;
        if (descLen != 0 && descLen != 8 || header + descLen > len) throw CheckCondition.invalidFieldInParameterList();
        // BUFFERED MODE: 0 (unbuffered) and 1 are supported, 2 (multi-initiator ordering) and the reserved
        // values are not; WP and SPEED are ignored, as SSC-3 allows
        int bufferedMode = (data[ten ? 3 : 2] >> 4) & 0x07;
        if (bufferedMode > 1) throw CheckCondition.invalidFieldInParameterList();
        synchronized (d) {
            int blockSize = d.blockSize;
            if (descLen == 8) {
                int density = data[header] & 0xff;
                if (density != 0 && density != 0x7f && density != d.model.density()) {
                    throw CheckCondition.invalidFieldInParameterList();
                }
                blockSize = Bytes.u24(data, header + 5);
                if (blockSize > TapeLimits.MAX_BLOCK) throw CheckCondition.invalidFieldInParameterList();
            }
            boolean compression = d.compression;
            boolean dsense = d.descriptorSense;
            int at = header + descLen;
            while (at < len) {
                if (at + 2 > len) throw CheckCondition.parameterListLength();
                int page = data[at] & 0x3f;
                int plen = data[at + 1] & 0xff;
                if (at + 2 + plen > len) throw CheckCondition.parameterListLength();
                // a page must have the length MODE SENSE reports for it (SPC-4 MODE SELECT): a short one
                // would otherwise clear the fields it leaves out
                if ((page == 0x0a || page == 0x0f || page == 0x10) && plen != pageLength(page)) {
                    throw CheckCondition.invalidFieldInParameterList();
                }
                // the medium partition page: 6 bytes, then a 2-byte size per partition, of which there is one
                if (page == 0x11 && plen != 6 && plen != 8) throw CheckCondition.invalidFieldInParameterList();
                switch (page) {
                    case 0x0a -> dsense = (data[at + 2] & 0x04) != 0;
                    case 0x0f -> compression = (data[at + 2] & 0x80) != 0;
                    case 0x10 -> compression = data[at + 14] != 0;
                    case 0x11 -> {
                        if (data[at + 3] != 0) throw CheckCondition.invalidFieldInParameterList(); // more partitions
                    }
                    default -> throw CheckCondition.invalidFieldInParameterList();
                }
                at += 2 + plen;
            }
            d.blockSize = blockSize;
            d.bufferedMode = bufferedMode;
            d.compression = compression;
            d.descriptorSense = dsense;
            lu.mode().descriptorSense = dsense;
            return ScsiResponse.wrote(len);
        }
    }
}
