package dev.cistern.server.http;

import dev.cistern.engine.EngineException;
import dev.cistern.server.config.ConfigException;

/**
 * Maps the failures of the layers below to HTTP statuses. Kept in one table so every endpoint answers the
 * same way for the same condition, and a client can rely on it.
 */
public final class ErrorStatus {
    private ErrorStatus() {
    }

    public static int of(EngineException.Reason reason) {
        return switch (reason) {
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, NOT_EMPTY, BUSY -> 409;
            case CANCELLED -> 409; // stopped by another request (a job's cancel)
            case INVALID_ARGUMENT -> 400;
            case QUOTA_EXCEEDED, NO_SPACE -> 507;
            case LOCKED -> 423;
            case ACCESS_DENIED -> 403;
            case READ_ONLY -> 409;
            case DAMAGED, IO_ERROR -> 500;
            case CLOSED -> 503;
        };
    }

    public static int of(ConfigException.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, CONFLICT -> 409;
            case UNAUTHORIZED -> 401;
            case IO_ERROR -> 500;
            case NO_SPACE -> 507; // as the engine's NO_SPACE: the client learns the disk is full, not of a bug
        };
    }
}
