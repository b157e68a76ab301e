package dev.cistern.engine;

/**
 * Receives progress of long operations (clean, verify) and tells them when to stop. Called from the working
 * thread; must be cheap.
 */
@FunctionalInterface
public interface Progress {
    Progress NONE = (done, total, phase) -> { };

    /** {@code done} of {@code total} units (bytes) of the current {@code phase}. */
    void update(long done, long total, String phase);

    /**
     * Whether the caller wants the operation to stop. Checked between units of work, so the operation stops
     * shortly after this turns true and throws {@link EngineException} with reason
     * {@link EngineException.Reason#CANCELLED}, whose message says how far it got.
     * <ul>
     * <li>A cancelled clean stops between chunk containers: every container is either fully swept or
     *     untouched, so nothing is lost; space reclaimed so far stays reclaimed and the next clean does the
     *     rest.</li>
     * <li>A cancelled verify returns no report, so it reports nothing as damaged (or as sound) that it did
     *     not check; its message counts what it checked and any damage found so far.</li>
     * </ul>
     * Must be cheap and safe to call from the working thread (e.g. read a volatile flag).
     */
    default boolean cancelled() {
        return false;
    }
}
