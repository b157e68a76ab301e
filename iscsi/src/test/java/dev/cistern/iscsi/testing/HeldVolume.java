package dev.cistern.iscsi.testing;

import dev.cistern.engine.BlockVolume;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A volume whose writes, or whose unmaps, wait until {@link #release} (at most 10 s): a test holds a
 * command (or a sanitize) in the middle of running ({@link #awaitHeld} says when one is) to see what
 * else waits for it, or what others see meanwhile.
 */
public final class HeldVolume extends ForwardingVolume {
    private final boolean holdsWrites;
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile boolean done;

    private HeldVolume(BlockVolume inner, boolean holdsWrites) {
        super(inner);
        this.holdsWrites = holdsWrites;
    }

    /** Holds every write until released. */
    public static HeldVolume writes(BlockVolume inner) {
        return new HeldVolume(inner, true);
    }

    /** Holds every unmap (a BLOCK ERASE, an all-zero OVERWRITE) until released. */
    public static HeldVolume unmaps(BlockVolume inner) {
        return new HeldVolume(inner, false);
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean durable) {
        if (holdsWrites) hold();
        super.write(offset, src, durable);
        if (holdsWrites) done = true;
    }

    @Override
    public void unmap(long offset, long length) {
        if (!holdsWrites) hold();
        super.unmap(offset, length);
        if (!holdsWrites) done = true;
    }

    private void hold() {
        held.countDown();
        try {
            released.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether a held call has started (and waits) within 10 s. */
    public boolean awaitHeld() throws InterruptedException {
        return held.await(10, TimeUnit.SECONDS);
    }

    /** Lets the held calls, and every later one, go on. */
    public void release() {
        released.countDown();
    }

    /** Whether a held call has reached the volume underneath. */
    public boolean done() {
        return done;
    }
}
