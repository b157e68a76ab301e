package dev.cistern.iscsi.session;

import dev.cistern.iscsi.login.SessionParams;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.Sense;

/**
 * The limits login set on write data the initiator sends without an R2T (RFC 7143 sections 13.10,
 * 13.11 and 13.14): immediate data only with ImmediateData=Yes, unsolicited Data-Out only with
 * InitialR2T=No, and the two together never more than FirstBurstLength. A command breaking them ends in
 * CHECK CONDITION, ABORTED COMMAND, UNEXPECTED UNSOLICITED DATA (section 11.4.7.2) with nothing written;
 * its buffer is given back at once and any later Data-Out for it is ignored.
 */
final class UnsolicitedData {
    private UnsolicitedData() {
    }

    /** Why the immediate data of a write command breaks the negotiated limits, or null when it does not. */
    static String brokenByCommand(SessionParams params, int immediate, long edtl) {
        if (immediate == 0) return null;
        if (!params.immediateData) return "immediate data while ImmediateData=No";
        if (immediate > params.firstBurstLength) {
            return immediate + " bytes of immediate data, FirstBurstLength is " + params.firstBurstLength;
        }
        if (immediate > edtl) return immediate + " bytes of immediate data, Expected Data Transfer Length " + edtl;
        return null;
    }

    /**
     * Why an unsolicited Data-Out of {@code len} bytes for {@code t} breaks the negotiated limits, or null.
     * With InitialR2T=Yes the task's unsolicited burst counts as ended from the start.
     */
    static String brokenByDataOut(SessionParams params, WriteTask t, int len) {
        if (t.unsolicitedDone) {
            return params.initialR2T ? "unsolicited Data-Out while InitialR2T=Yes"
                    : "unsolicited Data-Out after the unsolicited burst ended";
        }
        if ((long) t.received + len > params.firstBurstLength) {
            return "unsolicited data beyond FirstBurstLength " + params.firstBurstLength;
        }
        return null;
    }

    static ScsiResponse unexpected() {
        return ScsiResponse.checkCondition(new Sense(Sense.ABORTED_COMMAND, 0x0c, 0x0c));
    }
}
