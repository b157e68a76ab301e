package dev.cistern.cli;

/**
 * A failure the CLI reports as one line {@code cistern: <message>} on stderr, exiting with {@link #exitCode()}:
 * 1 refused by the server or failed, 2 bad usage, 3 server unreachable or not trusted, 4 verify found damage.
 */
public class CliException extends RuntimeException {
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;
    public static final int DAMAGED = 4;

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
