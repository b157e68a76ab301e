package dev.cistern.iscsi.session;

import dev.cistern.iscsi.TargetDefinition;
import dev.cistern.iscsi.testing.MemoryTargets;
import dev.cistern.iscsi.testing.TestInitiator;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The login deadline and a login completing at the same moment: exactly one of them wins. A connection
 * that reached full feature phase is never closed by the login timer afterwards.
 */
class LoginDeadlineRaceTest {
    private static final String IQN = "iqn.2026-12.dev.cistern:race";

    @Test
    void aDeadlineFiringAsTheLoginCompletesNeverClosesTheFullFeatureConnection() throws Exception {
        TargetDefinition def = MemoryTargets.definition(IQN, 1, 1L << 20, null, null, Set.of());
        // the deadline task is handed to the test instead of a clock: it runs when the test says
        AtomicReference<Runnable> deadline = new AtomicReference<>();
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1) {
            @Override
            public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
                deadline.set(task);
                return super.schedule(() -> { }, 1, TimeUnit.DAYS);
            }
        };
        // holds the deadline task between its decision and what it does next, as a descheduled timer
        // thread would: the test completes the login in that window
        CountDownLatch decided = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        Handler hold = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getMessage() == null || !r.getMessage().contains("not logged in after")) return;
                decided.countDown();
                try {
                    proceed.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(Connection.class.getName());
        log.addHandler(hold);
        try (ServerSocket listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             TestInitiator initiator = new TestInitiator(listener.getLocalPort())) {
            Socket accepted = listener.accept();
            Connection c = new Connection(accepted, () -> List.of(def), new SessionRegistry(8), new TargetLuns(),
                    Duration.ofSeconds(30), CommandMemory.forHeap(), Duration.ofSeconds(30), timer);
            Thread.ofVirtual().start(c);
            while (deadline.get() == null) Thread.sleep(5);
            Thread firing = Thread.ofPlatform().start(deadline.get());
            assertThat(decided.await(10, TimeUnit.SECONDS)).as("the deadline task ran").isTrue();

            boolean served;
            try {
                // the deadline came first: the login may still be answered, but no command is served after it
                served = initiator.login("iqn.2026-12.test:race", IQN, new byte[]{0x40, 0, 0, 0, 9, 1}) == 0
                        && initiator.ping();
            } catch (java.io.IOException e) {
                served = false;
            }
            proceed.countDown();
            firing.join(10_000);
            if (served) {
                assertThat(initiator.ping()).as("a session that reached full feature phase stays up").isTrue();
            }
        } finally {
            log.removeHandler(hold);
            timer.shutdownNow();
        }
    }

    @Test
    void theDeadlineEndsALoginWhoseLastResponseTheClientDoesNotRead() throws Exception {
        // the initiator stops reading as its login completes: the last Login Response blocks in write, which
        // no socket timeout ends, holding a connection slot, a TSIH and a listed session for ever
        TargetDefinition def = MemoryTargets.definition(IQN, 1, 1L << 20, null, null, Set.of());
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
        SessionRegistry registry = new SessionRegistry(8);
        try (ServerSocket listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             TestInitiator initiator = new TestInitiator(listener.getLocalPort())) {
            Socket accepted = new StuckLastLoginResponse(listener.accept());
            Connection c = new Connection(accepted, () -> List.of(def), registry, new TargetLuns(),
                    Duration.ofSeconds(30), CommandMemory.forHeap(), Duration.ofMillis(500), timer);
            Thread serving = Thread.ofVirtual().start(c);
            Thread.ofVirtual().start(() -> {
                try {
                    initiator.login("iqn.2026-12.test:stuck", IQN, new byte[]{0x40, 0, 0, 0, 9, 2});
                } catch (Exception e) {
                    // closed by the target: expected
                }
            });
            serving.join(Duration.ofSeconds(5));
            assertThat(serving.isAlive()).as("connection still stuck writing its last login response").isFalse();
            assertThat(registry.sessions()).isEmpty();
            assertThat(registry.allocateTsih()).as("the TSIH was given back").isNotZero();
        } finally {
            timer.shutdownNow();
        }
    }

    /**
     * A socket whose writes of the last Login Response (transit to full feature phase) block until the
     * socket closes, as a write to an initiator that stopped reading does once the buffers are full.
     */
    private static final class StuckLastLoginResponse extends Socket {
        private final Socket s;
        private final CountDownLatch closed = new CountDownLatch(1);

        StuckLastLoginResponse(Socket s) {
            this.s = s;
        }

        @Override
        public java.io.InputStream getInputStream() throws java.io.IOException {
            return s.getInputStream();
        }

        @Override
        public java.io.OutputStream getOutputStream() throws java.io.IOException {
            java.io.OutputStream out = s.getOutputStream();
            return new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws java.io.IOException {
                    if (len >= 2 && (b[off] & 0x3f) == 0x23 && (b[off + 1] & 0x83) == 0x83) {
                        try {
                            closed.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        throw new java.net.SocketException("Socket closed");
                    }
                    out.write(b, off, len);
                }
            };
        }

        @Override
        public void setTcpNoDelay(boolean on) throws java.net.SocketException {
            s.setTcpNoDelay(on);
        }

        @Override
        public java.net.SocketAddress getRemoteSocketAddress() {
            return s.getRemoteSocketAddress();
        }

        @Override
        public java.net.SocketAddress getLocalSocketAddress() {
            return s.getLocalSocketAddress();
        }

        @Override
        public java.net.InetAddress getInetAddress() {
            return s.getInetAddress();
        }

        @Override
        public synchronized void close() throws java.io.IOException {
            closed.countDown();
            s.close();
        }
    }
}
