package dev.cistern.iscsi.testing;

import dev.cistern.engine.BlockVolume;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A volume whose writes wait until {@link #release} (at most 10 s): a test holds a command in the middle
 * of running ({@link #awaitWriting} says when one is) to see what else waits for it.
 */
public final class HeldWritesVolume extends ForwardingVolume {
    private final CountDownLatch writing = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile boolean written;

    public HeldWritesVolume(BlockVolume inner) {
        super(inner);
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean durable) {
        writing.countDown();
        try {
            released.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        super.write(offset, src, durable);
        written = true;
    }

    /** Whether a write has started (and is held) within 10 s. */
    public boolean awaitWriting() throws InterruptedException {
        return writing.await(10, TimeUnit.SECONDS);
    }

    /** Lets the held writes, and every later one, go on. */
    public void release() {
        released.countDown();
    }

    /** Whether a held write has reached the volume. */
    public boolean written() {
        return written;
    }
}
