package dev.cistern.vtl.ssc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.ScsiStatus;
import dev.cistern.iscsi.scsi.Sense;
import dev.cistern.vtl.media.ObjectRecord;
import dev.cistern.vtl.media.TapeMedium;
import java.util.Arrays;

/**
 * READ(6) (SSC-3 7.3) in variable and fixed block mode. A read that meets a filemark, end of data or a
 * block of another length than asked ends in CHECK CONDITION with the data read so far, the FILEMARK or
 * ILI bit and the residue in INFORMATION (bytes in variable mode, blocks in fixed mode; negative for an
 * overlength block); the position is then after the filemark or the block.
 */
final class TapeReads {
    static final int MAX_TRANSFER = TapeLimits.MAX_BLOCK;

    private TapeReads() {
    }

    static ScsiResponse read6(LogicalUnit lu, ScsiRequest r) {
        TapeDrive d = lu.device(TapeDrive.class);
        byte[] cdb = r.cdb();
        boolean fixed = (cdb[1] & 0x01) != 0;
        boolean sili = (cdb[1] & 0x02) != 0;
        int len = Bytes.u24(cdb, 2);
        synchronized (d) {
            TapeMedium m = d.ready();
            if ((cdb[1] & 0xfc) != 0 || fixed && sili || fixed && d.blockSize == 0) {
                throw CheckCondition.invalidFieldInCdb();
            }
            if (len == 0) return ScsiResponse.good();
            return fixed ? fixed(d, m, len) : variable(d, m, len, sili);
        }
    }

    private static ScsiResponse variable(TapeDrive d, TapeMedium m, int len, boolean sili) {
        if (len > MAX_TRANSFER) throw CheckCondition.invalidFieldInCdb();
        if (d.position >= m.endOfData()) return check(new byte[0], TapeSense.endOfData(len));
        ObjectRecord o = m.object(d.position);
        if (o.filemark()) {
            d.position++;
            return check(new byte[0], TapeSense.filemark(len));
        }
        byte[] buf = new byte[Math.min(len, o.length())];
        m.readBlock(d.position, o, buf, 0, buf.length);
        d.position++;
        d.bytesRead += buf.length;
        if (o.length() == len || o.length() < len && sili) return ScsiResponse.data(buf);
        return check(buf, TapeSense.incorrectLength((long) len - o.length()));
    }

    private static ScsiResponse fixed(TapeDrive d, TapeMedium m, int blocks) {
        int bs = d.blockSize;
        if ((long) blocks * bs > MAX_TRANSFER) throw CheckCondition.invalidFieldInCdb();
        byte[] out = new byte[blocks * bs];
        for (int i = 0; i < blocks; i++) {
            if (d.position >= m.endOfData()) return check(Arrays.copyOf(out, i * bs), TapeSense.endOfData(blocks - i));
            long at = d.position;
            ObjectRecord o = m.object(at);
            d.position++;
            if (o.filemark()) return check(Arrays.copyOf(out, i * bs), TapeSense.filemark(blocks - i));
            int n = m.readBlock(at, o, out, i * bs, bs);
            d.bytesRead += n;
            if (o.length() != bs) return check(Arrays.copyOf(out, i * bs + n), TapeSense.incorrectLength(blocks - i));
        }
        return ScsiResponse.data(out);
    }

    private static ScsiResponse check(byte[] data, Sense sense) {
        return new ScsiResponse(ScsiStatus.CHECK_CONDITION, data, sense, -1);
    }
}
