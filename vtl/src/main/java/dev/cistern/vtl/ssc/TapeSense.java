package dev.cistern.vtl.ssc;

import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.Sense;

/** The sense data of SSC-3 conditions (SSC-3 4.2.x and the ASC table of SPC-4 annex D). */
final class TapeSense {
    private TapeSense() {
    }

    static CheckCondition noMedium() {
        return new CheckCondition(new Sense(Sense.NOT_READY, 0x3a, 0x00));
    }

    /** A filemark was read or spaced over: NO SENSE, FILEMARK, FILEMARK DETECTED, residue. */
    static Sense filemark(long residue) {
        return new Sense(Sense.NO_SENSE, 0x00, 0x01, residue, Sense.FILEMARK);
    }

    /** End of data reached: BLANK CHECK, END-OF-DATA DETECTED, residue. */
    static Sense endOfData(long residue) {
        return new Sense(Sense.BLANK_CHECK, 0x00, 0x05, residue, 0);
    }

    /** Beginning of partition reached while spacing backwards: NO SENSE, EOM, BOP DETECTED. */
    static Sense beginningOfPartition(long residue) {
        return new Sense(Sense.NO_SENSE, 0x00, 0x04, residue, Sense.EOM);
    }

    /** Block length differs from the requested length: NO SENSE, ILI, residue. */
    static Sense incorrectLength(long residue) {
        return new Sense(Sense.NO_SENSE, 0x00, 0x00, residue, Sense.ILI);
    }

    /** Write past early warning: done, NO SENSE, EOM, END-OF-PARTITION/MEDIUM DETECTED. */
    static Sense earlyWarning(long residue) {
        return new Sense(Sense.NO_SENSE, 0x00, 0x02, residue, Sense.EOM);
    }

    /** Write at the physical end: not done, VOLUME OVERFLOW, EOM, END-OF-PARTITION/MEDIUM DETECTED. */
    static Sense volumeOverflow(long residue) {
        return new Sense(Sense.VOLUME_OVERFLOW, 0x00, 0x02, residue, Sense.EOM);
    }

    static CheckCondition writeProtected() {
        return CheckCondition.writeProtected();
    }
}
