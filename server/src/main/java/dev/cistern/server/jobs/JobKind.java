package dev.cistern.server.jobs;

import java.util.Locale;

/** The long-running engine operations the REST API runs as jobs. */
public enum JobKind {
    CLEAN, VERIFY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
