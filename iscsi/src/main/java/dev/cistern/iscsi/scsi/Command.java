package dev.cistern.iscsi.scsi;

/**
 * One entry of a device model's dispatch table.
 *
 * @param opcode        operation code
 * @param serviceAction service action (CDB byte 1, low five bits) or -1 for opcodes without one
 * @param usage         CDB usage data for REPORT SUPPORTED OPERATION CODES: the CDB's length and, per
 *                      byte, which bits the target looks at (byte 0 is the opcode)
 * @param access        how the command is treated under reservations
 * @param handler       the code that executes it
 */
public record Command(int opcode, int serviceAction, byte[] usage, Access access, CommandHandler handler) {

    /** Reservation class of a command (SPC-4 tables 46 and 66, simplified to the three cases that differ). */
    public enum Access {
        /** Allowed whatever reservation exists: INQUIRY, REPORT LUNS, PR IN/OUT, REQUEST SENSE... */
        ALWAYS,
        /** Reads the medium or its state: conflicts only under exclusive-access reservations. */
        READ,
        /** Changes the medium or its state: conflicts under any reservation the sender does not hold. */
        WRITE
    }

    public static byte[] usage(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) b[i] = (byte) bytes[i];
        return b;
    }
}
