package dev.cistern.iscsi.scsi.spc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** PERSISTENT RESERVE IN (SPC-4 6.15): READ KEYS, READ RESERVATION, REPORT CAPABILITIES, READ FULL STATUS. */
public final class PersistentReserveIn {
    private PersistentReserveIn() {
    }

    public static ScsiResponse readKeys(LogicalUnit lu, ScsiRequest r) {
        Reservations res = lu.reservations();
        Map<String, Long> regs = res.registrations();
        byte[] b = new byte[8 + 8 * regs.size()];
        Bytes.putInt(b, 0, res.generation());
        Bytes.putInt(b, 4, 8 * regs.size());
        int i = 8;
        for (long k : regs.values()) {
            Bytes.putLong(b, i, k);
            i += 8;
        }
        return ScsiResponse.data(b, Bytes.u16(r.cdb(), 7));
    }

    public static ScsiResponse readReservation(LogicalUnit lu, ScsiRequest r) {
        Reservations res = lu.reservations();
        Reservations.Snapshot s = res.reservation();
        byte[] b = new byte[s == null ? 8 : 24];
        Bytes.putInt(b, 0, res.generation());
        if (s != null) {
            Bytes.putInt(b, 4, 16);
            Bytes.putLong(b, 8, s.key());
            b[21] = (byte) s.type(); // scope 0 = LU_SCOPE
        }
        return ScsiResponse.data(b, Bytes.u16(r.cdb(), 7));
    }

    public static ScsiResponse reportCapabilities(LogicalUnit lu, ScsiRequest r) {
        byte[] b = new byte[8];
        Bytes.putShort(b, 0, 8);
        b[2] = 0x10 | 0x01; // CRH, PTPL_C
        b[3] = (byte) (0x80 | (lu.reservations().aptpl() ? 0x01 : 0)); // TMV, PTPL_A
        b[4] = (byte) (0x80 | 0x40 | 0x20 | 0x08 | 0x02); // WR_EX_AR, EX_AC_RO, WR_EX_RO, EX_AC, WR_EX
        b[5] = 0x01; // EX_AC_AR
        return ScsiResponse.data(b, Bytes.u16(r.cdb(), 7));
    }

    public static ScsiResponse readFullStatus(LogicalUnit lu, ScsiRequest r) {
        Reservations res = lu.reservations();
        Reservations.Snapshot s = res.reservation();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, Long> e : res.registrations().entrySet()) {
            byte[] tid = transportId(e.getKey());
            byte[] d = new byte[24];
            Bytes.putLong(d, 0, e.getValue());
            boolean holder = s != null && (Reservations.allRegistrants(s.type()) || s.holder().equals(e.getKey()));
            if (holder) {
                d[12] = 0x01;
                d[13] = (byte) s.type();
            }
            Bytes.putShort(d, 18, 1); // relative target port identifier
            Bytes.putInt(d, 20, tid.length);
            out.writeBytes(d);
            out.writeBytes(tid);
        }
        byte[] body = out.toByteArray();
        byte[] b = new byte[8 + body.length];
        Bytes.putInt(b, 0, res.generation());
        Bytes.putInt(b, 4, body.length);
        System.arraycopy(body, 0, b, 8, body.length);
        return ScsiResponse.data(b, Bytes.u16(r.cdb(), 7));
    }

    /** iSCSI TransportID with ISID (SPC-4 7.6.4.6, format code 01b). */
    static byte[] transportId(String initiatorPort) {
        byte[] name = initiatorPort.getBytes(StandardCharsets.UTF_8);
        int len = (name.length + 1 + 3) & ~3;
        byte[] t = new byte[4 + len];
        t[0] = 0x45;
        Bytes.putShort(t, 2, len);
        System.arraycopy(name, 0, t, 4, name.length);
        return t;
    }

    public static ScsiResponse invalidServiceAction(LogicalUnit lu, ScsiRequest r) {
        throw CheckCondition.invalidFieldInCdb();
    }
}
