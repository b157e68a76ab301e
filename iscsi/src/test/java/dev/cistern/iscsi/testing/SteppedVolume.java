package dev.cistern.iscsi.testing;

import dev.cistern.engine.BlockVolume;

import java.nio.ByteBuffer;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A volume whose writes and unmaps go one at a time, each when the test lets it ({@link #step}, at most
 * 10 s of waiting each): a test walks a long operation (a sanitize) through its pieces and looks at what
 * the unit reports between two of them. Unlike {@link HeldVolume}, which holds everything until one
 * release, it lets the operation advance by as many calls as the test asks for.
 */
public final class SteppedVolume extends ForwardingVolume {
    private final Semaphore permits = new Semaphore(0);
    private final AtomicInteger started = new AtomicInteger();

    public SteppedVolume(BlockVolume inner) {
        super(inner);
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean durable) {
        await();
        super.write(offset, src, durable);
    }

    @Override
    public void unmap(long offset, long length) {
        await();
        super.unmap(offset, length);
    }

    private void await() {
        synchronized (started) {
            started.incrementAndGet();
            started.notifyAll();
        }
        try {
            permits.tryAcquire(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets {@code calls} more writes or unmaps go on. */
    public void step(int calls) {
        permits.release(calls);
    }

    /** Lets every call go on from now. */
    public void releaseAll() {
        permits.release(Integer.MAX_VALUE / 2);
    }

    /** Whether the {@code n}th write or unmap (counting from 1) has started, within 10 s. */
    public boolean awaitStarted(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (started) {
            while (started.get() < n) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) return false;
                started.wait(left);
            }
        }
        return true;
    }
}
