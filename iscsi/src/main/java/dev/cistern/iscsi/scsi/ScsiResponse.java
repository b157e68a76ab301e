package dev.cistern.iscsi.scsi;

/**
 * What a command produced.
 *
 * @param status     SAM status
 * @param dataIn     bytes for the initiator (already cut to the CDB's allocation length)
 * @param sense      sense data for CHECK CONDITION, else null
 * @param dataOutWanted bytes of Data-Out the CDB asked for, so the transport can report residuals; -1 when
 *                   the command transfers no data out
 */
public record ScsiResponse(int status, byte[] dataIn, Sense sense, int dataOutWanted) {
    private static final byte[] NONE = new byte[0];

    public static ScsiResponse good() {
        return new ScsiResponse(ScsiStatus.GOOD, NONE, null, -1);
    }

    public static ScsiResponse data(byte[] data) {
        return new ScsiResponse(ScsiStatus.GOOD, data, null, -1);
    }

    /** Data cut to the allocation length of the CDB. */
    public static ScsiResponse data(byte[] data, int allocationLength) {
        if (data.length <= allocationLength) return data(data);
        return data(java.util.Arrays.copyOf(data, allocationLength));
    }

    public static ScsiResponse wrote(int bytesWanted) {
        return new ScsiResponse(ScsiStatus.GOOD, NONE, null, bytesWanted);
    }

    public static ScsiResponse checkCondition(Sense sense) {
        return new ScsiResponse(ScsiStatus.CHECK_CONDITION, NONE, sense, -1);
    }

    /** CHECK CONDITION for a command that asked for {@code bytesWanted} of Data-Out, for the residual. */
    public static ScsiResponse checkCondition(Sense sense, int bytesWanted) {
        return new ScsiResponse(ScsiStatus.CHECK_CONDITION, NONE, sense, bytesWanted);
    }

    public static ScsiResponse status(int status) {
        return new ScsiResponse(status, NONE, null, -1);
    }
}
