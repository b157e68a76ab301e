package dev.cistern.engine;

/**
 * The one failure type the engine's public API throws. {@link #reason()} tells front ends which
 * protocol error to answer with (HTTP status, SCSI sense, S3 error code); the message names the
 * object and, where there is one, what the user can do.
 */
public class EngineException extends RuntimeException {
    public enum Reason {
        NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT, NOT_EMPTY, QUOTA_EXCEEDED, NO_SPACE,
        /** Stored data failed its checksum or fingerprint check. */
        DAMAGED,
        /** The storage group is encrypted and its key has not been unlocked with the passphrase. */
        LOCKED,
        /** A wrong passphrase. */
        ACCESS_DENIED,
        /** The object is busy (e.g. a clean or verify is already running). */
        BUSY,
        READ_ONLY,
        IO_ERROR,
        CLOSED,
        /** A clean or verify stopped because its {@link Progress#cancelled()} asked it to. */
        CANCELLED
    }

    private final Reason reason;

    public EngineException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public EngineException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /**
     * Whether an I/O failure's message says the file system is full (ENOSPC, worded "No space left on device"
     * by the JDK and by RocksDB alike): the one test of it for the engine and the server.
     */
    public static boolean saysNoSpace(String message) {
        return message != null && message.contains("No space left");
    }
}
