package dev.cistern.engine;

/**
 * A {@link Progress} that lets {@code allowed} units of work go by and then asks to stop: its
 * {@link #cancelled()} answers true from the {@code allowed + 1}-th time it is asked.
 */
final class CancelAfter implements Progress {
    private final int allowed;
    private int asked;

    CancelAfter(int allowed) {
        this.allowed = allowed;
    }

    @Override
    public void update(long done, long total, String phase) {
    }

    @Override
    public boolean cancelled() {
        return ++asked > allowed;
    }
}
