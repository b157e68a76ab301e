package dev.cistern.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** What a user may do through the REST API (and so the CLI and UI). */
public enum Role {
    /** Everything, including managing users. */
    ADMIN,
    /** Storage groups, containers, clean and verify; not users. */
    OPERATOR,
    /** Read-only. */
    MONITOR;

    public boolean canWrite() {
        return this != MONITOR;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "admin", "operator" or "monitor" (any case). */
    @JsonCreator
    public static Role parse(String s) {
        if (s != null) {
            for (Role r : values()) if (r.name().equalsIgnoreCase(s.trim())) return r;
        }
        throw new ConfigException(ConfigException.Kind.INVALID,
                "invalid role '" + s + "': use admin, operator or monitor");
    }
}
