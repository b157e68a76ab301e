package dev.cistern.s3.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The body of one HTTP request, handed from the event loop (which only queues buffers) to the virtual
 * thread that runs the operation (which blocks reading). Backpressure: when more than {@link #HIGH}
 * bytes wait, the channel stops reading from the socket until the reader has drained below {@link #LOW},
 * so a fast client cannot fill the heap while the engine is busy.
 */
public final class BodyStream extends BlockReadStream {
    static final int HIGH = 4 << 20;
    static final int LOW = 1 << 20;

    private final Channel channel;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private ByteBuf current;
    private long queued;
    private long consumed;
    private boolean ended;
    private boolean broken;
    private boolean closed;

    public BodyStream(Channel channel) {
        this.channel = channel;
    }

    /** Event loop: a piece of the body arrived. Takes ownership of {@code buf}. */
    void offer(ByteBuf buf) {
        lock.lock();
        try {
            if (closed) {
                buf.release();
                return;
            }
            queue.add(buf);
            queued += buf.readableBytes();
            if (queued > HIGH && channel != null) channel.config().setAutoRead(false);
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Event loop: the last piece of the body arrived. */
    void end() {
        lock.lock();
        try {
            ended = true;
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Event loop: the connection closed; a reader waiting for more gets an IOException. */
    void broken() {
        lock.lock();
        try {
            broken = true;
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        lock.lock();
        try {
            while (current == null || !current.isReadable()) {
                if (current != null) {
                    current.release();
                    current = null;
                }
                current = queue.poll();
                if (current != null) continue;
                if (ended) return -1;
                if (broken || closed) {
                    throw new IOException("the client closed the connection after " + consumed
                            + " bytes of the request body");
                }
                ready.awaitUninterruptibly();
            }
            int n = Math.min(len, current.readableBytes());
            current.readBytes(b, off, n);
            queued -= n;
            consumed += n;
            // once the body has ended, what arrives belongs to a later request: the handler decides when to read it
            if (queued < LOW && !ended && channel != null && !channel.config().isAutoRead()) {
                channel.config().setAutoRead(true);
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Event loop: true unless this body has ended or its backlog holds reading back. */
    boolean wantsMore() {
        lock.lock();
        try {
            return !ended && queued <= HIGH;
        } finally {
            lock.unlock();
        }
    }

    /** True once the whole body arrived and was read (or discarded). */
    public boolean complete() {
        lock.lock();
        try {
            return ended && queue.isEmpty() && (current == null || !current.isReadable());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads and discards what is left of the body, up to {@code limit} bytes and {@code timeoutMillis},
     * so the connection can be kept alive after a response that did not need the body.
     * Returns true when the body ended within those limits.
     */
    public boolean drain(long limit, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long left = limit;
        lock.lock();
        try {
            while (true) {
                if (current != null) {
                    left -= current.readableBytes();
                    queued -= current.readableBytes();
                    current.release();
                    current = null;
                }
                ByteBuf next = queue.poll();
                if (next != null) {
                    current = next;
                    if (left < 0) return false;
                    continue;
                }
                if (ended) return true;
                if (broken || left < 0) return false;
                long wait = deadline - System.nanoTime();
                if (wait <= 0) return false;
                if (channel != null && !channel.config().isAutoRead()) channel.config().setAutoRead(true);
                try {
                    ready.awaitNanos(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Releases every buffer still held; later arrivals are dropped. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            if (current != null) current.release();
            current = null;
            ByteBuf b;
            while ((b = queue.poll()) != null) b.release();
            queued = 0;
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
