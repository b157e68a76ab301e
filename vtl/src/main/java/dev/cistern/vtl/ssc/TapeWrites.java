package dev.cistern.vtl.ssc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.ScsiStatus;
import dev.cistern.iscsi.scsi.Sense;
import dev.cistern.vtl.media.TapeMedium;

/**
 * WRITE(6) (SSC-3 7.x), WRITE FILEMARKS(6) and ERASE(6). Writing anywhere but at end of data first
 * discards everything after the position (a tape has no overwrite in place). Buffered mode 1: WRITE is
 * acknowledged once the engine holds the data; buffered mode 0: once it is durable; WRITE FILEMARKS
 * makes everything durable in either. Past early
 * warning, writes succeed with EOM set; at the end of the cartridge's capacity they fail with VOLUME
 * OVERFLOW and write nothing (SSC-3 4.2.5). When the engine fails to store data, a write that loses only
 * its own blocks reports a current error; one that finds blocks of earlier, acknowledged WRITEs lost
 * reports a deferred error (see {@link DriveModel}), and in either case the tape stands at its last
 * durable point, where writing goes on.
 */
final class TapeWrites {
    private TapeWrites() {
    }

    static ScsiResponse write6(LogicalUnit lu, ScsiRequest r) {
        TapeDrive d = lu.device(TapeDrive.class);
        byte[] cdb = r.cdb();
        boolean fixed = (cdb[1] & 0x01) != 0;
        int len = Bytes.u24(cdb, 2);
        synchronized (d) {
            TapeMedium m = d.ready();
            if ((cdb[1] & 0xfe) != 0 || fixed && d.blockSize == 0) throw CheckCondition.invalidFieldInCdb();
            long bytes = fixed ? (long) len * d.blockSize : len;
            if (bytes > TapeLimits.MAX_BLOCK) throw CheckCondition.invalidFieldInCdb();
            if (d.writeProtected()) throw TapeSense.writeProtected();
            if (len == 0) return ScsiResponse.good();
            byte[] data = r.dataOut();
            if (data.length < bytes) throw CheckCondition.invalidFieldInCdb();
            // the tape is cut at the position first: what comes after it does not take up capacity
            if (m.bytesBefore(d.position) + bytes > m.cartridge().capacity()) {
                return new ScsiResponse(ScsiStatus.CHECK_CONDITION, new byte[0], TapeSense.volumeOverflow(len),
                        (int) bytes);
            }
            // an engine failure from here leaves the drive at the tape's end of data (DriveModel, TapeDrive.failed)
            if (d.position < m.endOfData()) m.truncate(d.position);
            if (fixed) {
                for (int i = 0; i < len; i++) m.appendBlock(data, i * d.blockSize, d.blockSize);
            } else {
                m.appendBlock(data, 0, len);
            }
            d.position = m.endOfData();
            d.bytesWritten += bytes;
            if (d.bufferedMode == 0) m.flush(); // unbuffered: durable before the status says written
            // from here a loss of these blocks is a deferred error, counted as this WRITE counted them
            m.acknowledge(fixed ? TapeMedium.Unit.OBJECTS : TapeMedium.Unit.BYTES);
            if (d.pastEarlyWarning()) {
                return new ScsiResponse(ScsiStatus.CHECK_CONDITION, new byte[0], TapeSense.earlyWarning(0),
                        (int) bytes);
            }
            return ScsiResponse.wrote((int) bytes);
        }
    }

    static ScsiResponse writeFilemarks6(LogicalUnit lu, ScsiRequest r) {
        TapeDrive d = lu.device(TapeDrive.class);
        byte[] cdb = r.cdb();
        int count = Bytes.u24(cdb, 2);
        synchronized (d) {
            TapeMedium m = d.ready();
            if ((cdb[1] & 0xfe) != 0) throw CheckCondition.invalidFieldInCdb(); // WMSK (setmarks) unsupported
            if (d.writeProtected()) throw TapeSense.writeProtected();
            if (count > 0) {
                if (d.position < m.endOfData()) m.truncate(d.position);
                m.appendFilemarks(count);
                d.position = m.endOfData();
            }
            m.flush(); // IMMED or not, the filemarks and all data before them are durable now
            m.acknowledge();
            if (count > 0 && d.pastEarlyWarning()) {
                return ScsiResponse.checkCondition(TapeSense.earlyWarning(0));
            }
            return ScsiResponse.good();
        }
    }

    static ScsiResponse erase6(LogicalUnit lu, ScsiRequest r) {
        TapeDrive d = lu.device(TapeDrive.class);
        synchronized (d) {
            TapeMedium m = d.ready();
            if ((r.cdb()[1] & 0xfc) != 0) throw CheckCondition.invalidFieldInCdb();
            if (d.writeProtected()) throw TapeSense.writeProtected();
            m.truncate(d.position);
            m.flush();
            return ScsiResponse.good();
        }
    }

    /** Sense of a drive that is ready, for REQUEST SENSE: nothing pending, EOM past early warning. */
    static Sense idle(TapeDrive d) {
        return new Sense(Sense.NO_SENSE, 0, 0, null, d.pastEarlyWarning() ? Sense.EOM : 0);
    }
}
