package dev.cistern.vtl.ssc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.Sense;
import dev.cistern.vtl.media.TapeMedium;

/**
 * SPACE(6)/(16), REWIND, LOCATE(10)/(16) (SSC-3 7.x, 6.x). Spacing over blocks stops at a filemark (on
 * its far side going forward, its near side going backward) with FILEMARK set; spacing runs into end of
 * data with BLANK CHECK and into beginning of partition with EOM; INFORMATION holds the requested count
 * minus the count actually spaced. Filemarks are found by binary search in the marks list, so spacing
 * costs the same on a full 2 TB tape as on an empty one.
 */
final class TapePositioning {
    private static final int BLOCKS = 0;
    private static final int FILEMARKS = 1;
    private static final int END_OF_DATA = 3;

    private TapePositioning() {
    }

    static ScsiResponse space6(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        long count = (Bytes.u24(cdb, 2) << 8) >> 8; // sign-extend 24 bits
        return space(lu.device(TapeDrive.class), cdb[1] & 0x0f, count, cdb[1] & 0xf0);
    }

    static ScsiResponse space16(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        return space(lu.device(TapeDrive.class), cdb[1] & 0x0f, Bytes.u64(cdb, 4), cdb[1] & 0xf0);
    }

    private static ScsiResponse space(TapeDrive d, int code, long count, int reserved) {
        synchronized (d) {
            TapeMedium m = d.ready();
            if (reserved != 0) throw CheckCondition.invalidFieldInCdb();
            m.flush();
            Sense s = switch (code) {
                case BLOCKS -> count >= 0 ? blocksForward(d, m, count) : blocksBackward(d, m, count);
                case FILEMARKS -> count >= 0 ? marksForward(d, m, count) : marksBackward(d, m, count);
                case END_OF_DATA -> {
                    d.position = m.endOfData();
                    yield null;
                }
                default -> throw CheckCondition.invalidFieldInCdb(); // sequential filemarks, setmarks
            };
            return s == null ? ScsiResponse.good() : ScsiResponse.checkCondition(s);
        }
    }

    // Counts span the whole signed 64-bit range of SPACE(16): the helpers compare the count with the room
    // there is (never add it to the position before they know it fits) and keep backward counts negative,
    // so neither Long.MAX_VALUE nor Long.MIN_VALUE overflows.

    private static Sense blocksForward(TapeDrive d, TapeMedium m, long n) {
        if (n == 0) return null;
        long eod = m.endOfData();
        long mark = m.nextMark(d.position);
        long room = (mark < 0 ? eod : mark) - d.position; // blocks before the filemark or end of data
        if (n <= room) {
            d.position += n;
            return null;
        }
        if (mark >= 0) {
            d.position = mark + 1;
            return TapeSense.filemark(n - room);
        }
        d.position = eod;
        return TapeSense.endOfData(n - room);
    }

    /** {@code count} < 0. */
    private static Sense blocksBackward(TapeDrive d, TapeMedium m, long count) {
        long mark = m.previousMark(d.position);
        long room = d.position - mark - 1; // blocks between the filemark (or BOP) and here
        if (count >= -room) {
            d.position += count;
            return null;
        }
        if (mark >= 0) {
            d.position = mark;
            return TapeSense.filemark(count + room);
        }
        d.position = 0;
        return TapeSense.beginningOfPartition(count + room);
    }

    private static Sense marksForward(TapeDrive d, TapeMedium m, long n) {
        if (n == 0) return null;
        long first = m.marksBefore(d.position); // index of the first mark at or after the position
        long ahead = m.filemarkCount() - first;
        if (n <= ahead) {
            d.position = m.markNumber(first + n - 1) + 1;
            return null;
        }
        d.position = m.endOfData();
        return TapeSense.endOfData(n - ahead);
    }

    /** {@code count} < 0. */
    private static Sense marksBackward(TapeDrive d, TapeMedium m, long count) {
        long before = m.marksBefore(d.position); // marks strictly before the position
        if (count >= -before) {
            d.position = m.markNumber(before + count);
            return null;
        }
        d.position = 0;
        return TapeSense.beginningOfPartition(count + before);
    }

    static ScsiResponse rewind(LogicalUnit lu, ScsiRequest r) {
        TapeDrive d = lu.device(TapeDrive.class);
        synchronized (d) {
            TapeMedium m = d.ready();
            if ((r.cdb()[1] & 0xfe) != 0) throw CheckCondition.invalidFieldInCdb();
            m.flush();
            d.position = 0;
            return ScsiResponse.good();
        }
    }

    static ScsiResponse locate10(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        boolean cp = (cdb[1] & 0x02) != 0;
        if ((cdb[1] & 0xf8) != 0 || cp && cdb[8] != 0) throw CheckCondition.invalidFieldInCdb();
        return locate(lu.device(TapeDrive.class), 0, Bytes.u32(cdb, 3));
    }

    static ScsiResponse locate16(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        boolean cp = (cdb[1] & 0x02) != 0;
        int destType = (cdb[1] >> 3) & 0x07;
        if ((cdb[1] & 0xc4) != 0 || cp && cdb[3] != 0 || destType == 2 || destType > 3) {
            throw CheckCondition.invalidFieldInCdb();
        }
        return locate(lu.device(TapeDrive.class), destType, Bytes.u64(cdb, 4));
    }

    /** destType 0: logical object id; 1: logical file id (the object after filemark id-1); 3: end of data. */
    private static ScsiResponse locate(TapeDrive d, int destType, long id) {
        synchronized (d) {
            TapeMedium m = d.ready();
            m.flush();
            long eod = m.endOfData();
            long target;
            if (destType == 3) {
                target = eod;
            } else if (destType == 1) {
                long mark = id == 0 ? -1 : m.markNumber(id - 1);
                target = id == 0 ? 0 : mark < 0 ? -1 : mark + 1;
            } else {
                target = id;
            }
            if (target < 0 || target > eod) {
                d.position = eod;
                return ScsiResponse.checkCondition(TapeSense.endOfData(0));
            }
            d.position = target;
            return ScsiResponse.good();
        }
    }
}
