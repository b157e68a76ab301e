package dev.cistern.iscsi.session;

import dev.cistern.iscsi.pdu.Opcode;
import dev.cistern.iscsi.pdu.Pdu;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Target-side keepalive (RFC 7143 section 11.19): after a quiet spell the target sends a NOP-In with a
 * target transfer tag, which the initiator must answer with a NOP-Out carrying that tag. No answer
 * within another spell means the initiator is gone (a crashed host, a cut cable leaving a half-open
 * TCP connection): the connection is closed so its session, reservations and memory are released.
 */
final class Keepalive {
    static final Duration DEFAULT_IDLE = Duration.ofSeconds(30);
    private static final AtomicInteger TAGS = new AtomicInteger(1);

    private final Connection conn;
    private final long idleNanos;
    private volatile long lastHeard = System.nanoTime();
    /** TTT of the ping awaiting its answer, or NO_TAG. */
    private volatile int outstanding = Pdu.NO_TAG;
    private volatile long pingSent;
    private volatile Thread timer;

    Keepalive(Connection conn, Duration idle) {
        this.conn = conn;
        this.idleNanos = idle.toNanos();
    }

    void start() {
        timer = Thread.ofVirtual().name("iscsi-keepalive").start(this::loop);
    }

    void stop() {
        Thread t = timer;
        if (t != null) t.interrupt();
    }

    /** Any PDU shows the initiator is alive; a NOP-Out echoing our tag also settles the ping. */
    void received(Pdu p) {
        lastHeard = System.nanoTime();
        if (p.opcode() == Opcode.NOP_OUT && p.getInt(20) == outstanding) outstanding = Pdu.NO_TAG;
    }

    private void loop() {
        long tick = Math.max(Duration.ofMillis(50).toNanos(), idleNanos / 4);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(Duration.ofNanos(tick));
                long now = System.nanoTime();
                if (outstanding != Pdu.NO_TAG) {
                    if (now - pingSent > idleNanos) {
                        conn.close(); // no answer to our ping: the initiator is gone
                        return;
                    }
                } else if (now - lastHeard > idleNanos) {
                    int tag = TAGS.getAndIncrement() & 0x7fffffff;
                    outstanding = tag;
                    pingSent = now;
                    // ITT reserved (0xffffffff), TTT set: the initiator must answer; StatSN is not advanced
                    ping(Pdu.of(Opcode.NOP_IN).flags(0x80).itt(Pdu.NO_TAG).putInt(20, tag));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sends the ping from a thread of its own: an initiator that stops reading leaves sends blocked on a
     * full socket, and this loop must go on watching so it can close the connection when the ping goes
     * unanswered (only one ping is outstanding at a time, so at most one such thread).
     */
    private void ping(Pdu nopIn) {
        Thread.ofVirtual().name("iscsi-keepalive-ping").start(() -> {
            try {
                conn.send(nopIn, false);
            } catch (IOException e) {
                conn.close();
            }
        });
    }
}
