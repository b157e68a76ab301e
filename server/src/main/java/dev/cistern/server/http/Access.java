package dev.cistern.server.http;

import dev.cistern.server.config.Role;

/** Who may call a route. */
public enum Access {
    /** No token needed (login, the OpenAPI document). */
    PUBLIC,
    /** Any logged-in user, monitors included. */
    READ,
    /** Admins and operators. */
    WRITE,
    /** Admins only (user management). */
    ADMIN;

    public boolean allows(Role role) {
        return switch (this) {
            case PUBLIC, READ -> true;
            case WRITE -> role.canWrite();
            case ADMIN -> role == Role.ADMIN;
        };
    }
}
