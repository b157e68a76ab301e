package dev.cistern.iscsi;

/**
 * Durable home of one disk LUN's sanitize marker (SBC-4 4.11): set before a sanitize operation touches
 * the medium, cleared only once it completed and was flushed. A marker found when the LUN opens means a
 * sanitize was cut by a crash or failed, so the unit starts in sanitize failure mode instead of serving
 * partly erased data as if nothing happened.
 */
public interface SanitizeStore {

    /** What the last sanitize left behind. */
    enum State {
        /** No sanitize ran, or the last one completed. */
        COMPLETED,
        /** A sanitize with AUSE 0 did not complete: only a sanitize that succeeds clears the failure. */
        INCOMPLETE,
        /** A sanitize with AUSE 1 did not complete: EXIT FAILURE MODE may clear the failure too. */
        INCOMPLETE_AUSE
    }

    State load();

    /** Replaces the saved state durably before returning. */
    void save(State state);

    /** A store that lives only as long as the process: for tests, scratch targets and non-disk units. */
    static SanitizeStore inMemory() {
        return new SanitizeStore() {
            private volatile State state = State.COMPLETED;

            @Override
            public State load() {
                return state;
            }

            @Override
            public void save(State s) {
                state = s;
            }
        };
    }
}
