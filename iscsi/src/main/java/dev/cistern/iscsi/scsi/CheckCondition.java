package dev.cistern.iscsi.scsi;

/**
 * Ends a command with CHECK CONDITION and the given sense. Handlers throw it; the device model turns it
 * into the response, so the happy path of each handler reads straight through.
 */
public final class CheckCondition extends RuntimeException {
    private final Sense sense;

    public CheckCondition(Sense sense) {
        super(null, null, false, false);
        this.sense = sense;
    }

    public Sense sense() {
        return sense;
    }

    @Override
    public String getMessage() {
        return String.format("CHECK CONDITION key=0x%x asc=0x%02x ascq=0x%02x", sense.key(), sense.asc(), sense.ascq());
    }

    public static CheckCondition invalidOpcode() {
        return new CheckCondition(new Sense(Sense.ILLEGAL_REQUEST, 0x20, 0x00));
    }

    public static CheckCondition invalidFieldInCdb() {
        return new CheckCondition(new Sense(Sense.ILLEGAL_REQUEST, 0x24, 0x00));
    }

    public static CheckCondition lbaOutOfRange() {
        return new CheckCondition(new Sense(Sense.ILLEGAL_REQUEST, 0x21, 0x00));
    }

    public static CheckCondition parameterListLength() {
        return new CheckCondition(new Sense(Sense.ILLEGAL_REQUEST, 0x1a, 0x00));
    }

    public static CheckCondition invalidFieldInParameterList() {
        return new CheckCondition(new Sense(Sense.ILLEGAL_REQUEST, 0x26, 0x00));
    }

    public static CheckCondition writeProtected() {
        return new CheckCondition(new Sense(Sense.DATA_PROTECT, 0x27, 0x00));
    }

    public static CheckCondition miscompare(long offset) {
        return new CheckCondition(new Sense(Sense.MISCOMPARE, 0x1d, 0x00, offset));
    }

    public static CheckCondition savingNotSupported() {
        return new CheckCondition(new Sense(Sense.ILLEGAL_REQUEST, 0x39, 0x00));
    }

    public static CheckCondition mediumError() {
        return new CheckCondition(new Sense(Sense.MEDIUM_ERROR, 0x11, 0x00));
    }

    public static CheckCondition internalError() {
        return new CheckCondition(new Sense(Sense.HARDWARE_ERROR, 0x44, 0x00));
    }

    public static CheckCondition spaceAllocationFailed() {
        return new CheckCondition(new Sense(Sense.DATA_PROTECT, 0x27, 0x07));
    }
}
