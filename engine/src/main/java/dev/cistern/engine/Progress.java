package dev.cistern.engine;

/** Receives progress of long operations (clean, verify). Called from the working thread; must be cheap. */
@FunctionalInterface
public interface Progress {
    Progress NONE = (done, total, phase) -> { };

    /** {@code done} of {@code total} units (bytes) of the current {@code phase}. */
    void update(long done, long total, String phase);
}
