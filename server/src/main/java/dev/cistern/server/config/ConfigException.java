package dev.cistern.server.config;

/** A config request that was refused; nothing was changed. The REST layer maps {@link Kind} to a status. */
public class ConfigException extends RuntimeException {
    /** {@code NO_SPACE}: the config file could not be saved because its file system is full. */
    public enum Kind { INVALID, NOT_FOUND, ALREADY_EXISTS, CONFLICT, UNAUTHORIZED, IO_ERROR, NO_SPACE }

    private final Kind kind;

    public ConfigException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ConfigException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
