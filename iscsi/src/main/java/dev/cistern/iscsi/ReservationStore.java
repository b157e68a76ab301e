package dev.cistern.iscsi;

/**
 * Durable home of one LUN's persistent reservation state (SPC-4 requires it to survive power loss when
 * APTPL is set; Cistern always keeps it). The state is an opaque small blob the SPC model encodes.
 */
public interface ReservationStore {

    /** The last saved state, or an empty array when none was ever saved. */
    byte[] load();

    /** Replaces the saved state durably before returning. */
    void save(byte[] state);

    /** A store that lives only as long as the process: for tests and scratch targets. */
    static ReservationStore inMemory() {
        return new ReservationStore() {
            private volatile byte[] state = new byte[0];

            @Override
            public byte[] load() {
                return state.clone();
            }

            @Override
            public void save(byte[] s) {
                state = s.clone();
            }
        };
    }
}
