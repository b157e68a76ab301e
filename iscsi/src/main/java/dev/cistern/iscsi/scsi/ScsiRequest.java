package dev.cistern.iscsi.scsi;

/**
 * One SCSI command as the device model sees it, free of any transport detail.
 *
 * @param cdb          the command descriptor block
 * @param dataOut      data the initiator sent with the command (empty for none)
 * @param allocationIn how many bytes of Data-In the initiator will accept (iSCSI EDTL for reads)
 * @param nexus        who sent it
 * @param targetLuns   the LUNs of the target the command came through, for REPORT LUNS
 */
public record ScsiRequest(byte[] cdb, byte[] dataOut, int allocationIn, ItNexus nexus, int[] targetLuns) {
    public ScsiRequest {
        if (dataOut == null) dataOut = new byte[0];
    }

    public int opcode() {
        return cdb[0] & 0xff;
    }
}
