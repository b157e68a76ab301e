package dev.cistern.vtl.library;

/**
 * A refused move, with the SMC-3 sense it maps to (ILLEGAL REQUEST and the ASC/ASCQ), and a message for
 * REST and CLI users.
 */
public final class MoveException extends RuntimeException {
    public static final int INVALID_ELEMENT = 0x2101;
    public static final int SOURCE_EMPTY = 0x3b0e;
    public static final int DESTINATION_FULL = 0x3b0d;
    public static final int REMOVAL_PREVENTED = 0x5302;

    private final int ascAscq;

    public MoveException(int ascAscq, String message) {
        super(message);
        this.ascAscq = ascAscq;
    }

    public int asc() {
        return ascAscq >> 8;
    }

    public int ascq() {
        return ascAscq & 0xff;
    }
}
