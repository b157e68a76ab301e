package dev.cistern.iscsi.scsi;

import dev.cistern.iscsi.SanitizeStore;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The sanitize state of a logical unit (SBC-4 4.11). While a sanitize operation runs, every command but
 * INQUIRY, REPORT LUNS and REQUEST SENSE ends in NOT READY, SANITIZE IN PROGRESS; after one failed, in
 * MEDIUM ERROR, SANITIZE COMMAND FAILED until a sanitize succeeds or, if the failed one allowed it
 * (AUSE), EXIT FAILURE MODE clears it.
 *
 * <p>Commands look at the state inside the unit's {@link CommandBarrier}; a sanitize sets the state first
 * and then waits at the barrier, so it starts only after every command admitted before it has finished,
 * and no write can land on the medium after the sanitize erased it.
 *
 * <p>A sanitize is marked in the unit's {@link SanitizeStore} before it touches the medium (and before
 * an IMMED one answers GOOD), and unmarked only after it completed and was flushed. A unit opened over
 * a marked store starts in failure mode, with the AUSE of the sanitize that did not complete: one cut
 * by a crash is not resumed, but neither is the partly erased medium served as if nothing happened.
 *
 * <p>The NOT READY, SANITIZE IN PROGRESS sense carries a PROGRESS INDICATION (SPC-4 4.5.2.4.4, SBC-4
 * 4.11): the share of the medium the operation has been through, which it reports with
 * {@link #progress}. REQUEST SENSE returns that sense as its data while the operation runs, so an
 * initiator polls it (or TEST UNIT READY) to follow the operation until it ends.
 */
public final class Sanitizing {
    public static final int OPCODE = 0x48;
    public static final Sense IN_PROGRESS = new Sense(Sense.NOT_READY, 0x04, 0x1b);
    public static final Sense FAILED = new Sense(Sense.MEDIUM_ERROR, 0x31, 0x03);

    private final CommandBarrier commands;
    private final SanitizeStore store;
    private final AtomicBoolean running = new AtomicBoolean();
    /** PROGRESS INDICATION of the running sanitize: the numerator of a fraction of 65536. */
    private volatile int progress;
    private volatile boolean failed;
    /** The failed sanitize had AUSE set: EXIT FAILURE MODE may clear the failure. */
    private volatile boolean exitAllowed;

    Sanitizing(CommandBarrier commands, SanitizeStore store) {
        this.commands = commands;
        this.store = store;
        SanitizeStore.State last = store.load();
        failed = last != SanitizeStore.State.COMPLETED;
        exitAllowed = last == SanitizeStore.State.INCOMPLETE_AUSE;
    }

    /** Runs a command unless the sanitize state refuses it. */
    ScsiResponse admit(int opcode, Supplier<ScsiResponse> command) {
        // REQUEST SENSE is answered by the unit itself while a sanitize runs or failed, see LogicalUnit
        if (opcode == 0x12 || opcode == 0xa0 || opcode == 0x03) return command.get();
        if (opcode == OPCODE) {
            // not under the lock: the sanitize itself takes the write side; the handler checks the state
            return running.get() ? ScsiResponse.checkCondition(inProgress()) : command.get();
        }
        return commands.run(() -> {
            Sense s = current();
            return s != null ? ScsiResponse.checkCondition(s) : command.get();
        });
    }

    /** What REQUEST SENSE reports now, or null when no sanitize runs or failed. */
    Sense current() {
        if (running.get()) return inProgress();
        return failed ? FAILED : null;
    }

    /** NOT READY, SANITIZE IN PROGRESS with how far the running operation got. */
    private Sense inProgress() {
        return IN_PROGRESS.withProgress(progress);
    }

    /**
     * The running operation has been through {@code done} of {@code total} units of the medium (bytes,
     * blocks: any unit, as long as both count it). The indication stays below 65536/65536 until the
     * operation ends: what is left (the flush, clearing the mark) is part of it.
     */
    public void progress(long done, long total) {
        if (total <= 0 || done <= 0) {
            progress = 0;
            return;
        }
        long fraction = done >= total ? Sense.PROGRESS_MAX
                : (long) ((double) done / total * (Sense.PROGRESS_MAX + 1));
        progress = (int) Math.min(fraction, Sense.PROGRESS_MAX);
    }

    /**
     * Starts a sanitize operation with the command's AUSE bit: marks it durably, and returns once every
     * command admitted before has finished. The start, its end and EXIT FAILURE MODE change the state
     * and the mark under this object's monitor: an EXIT FAILURE MODE from another session cannot store
     * "completed" over the mark of a sanitize that just started.
     *
     * @throws CheckCondition NOT READY, SANITIZE IN PROGRESS when one already runs; INVALID FIELD IN CDB
     *                        for AUSE after a failure in restricted mode
     */
    public void begin(boolean ause) {
        synchronized (this) {
            if (running.get()) throw new CheckCondition(inProgress());
            // a failure in restricted mode (AUSE 0) cannot be turned into one EXIT FAILURE MODE may clear
            if (failed && !exitAllowed && ause) throw CheckCondition.invalidFieldInCdb();
            // nothing is erased before the mark is stored: if storing fails the unit stays as it was
            store.save(ause ? SanitizeStore.State.INCOMPLETE_AUSE : SanitizeStore.State.INCOMPLETE);
            progress = 0;
            running.set(true);
        }
        commands.await(); // the commands already running finish; later ones see running
    }

    /**
     * The sanitize operation ended; {@code ok} only once it is flushed, {@code ause} the AUSE bit of the
     * command that asked for it. Clearing the mark may fail: the unit is then in failure mode, as it
     * would be after a restart, and the failure is thrown.
     */
    public synchronized void end(boolean ok, boolean ause) {
        try {
            if (ok) store.save(SanitizeStore.State.COMPLETED);
        } catch (RuntimeException e) {
            ok = false;
            throw e;
        } finally {
            failed = !ok;
            exitAllowed = !ok && ause;
            running.set(false);
        }
    }

    /** A sanitize failed and has not been cleared. */
    public boolean failed() {
        return failed;
    }

    /** Whether EXIT FAILURE MODE may clear the failure (the failed sanitize had AUSE set). */
    public boolean exitAllowed() {
        return exitAllowed;
    }

    /**
     * EXIT FAILURE MODE: the unit answers commands again.
     *
     * @throws CheckCondition NOT READY, SANITIZE IN PROGRESS while a sanitize runs; INVALID FIELD IN CDB
     *                        after a failure in restricted mode (AUSE 0), which only a sanitize that
     *                        succeeds leaves
     */
    public synchronized void exitFailureMode() {
        if (running.get()) throw new CheckCondition(inProgress());
        if (failed && !exitAllowed) throw CheckCondition.invalidFieldInCdb();
        store.save(SanitizeStore.State.COMPLETED);
        failed = false;
        exitAllowed = false;
    }
}
