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

            int status;
            try {
                status = initiator.login("iqn.2026-12.test:race", IQN, new byte[]{0x40, 0, 0, 0, 9, 1});
            } catch (java.io.IOException e) {
                status = -1; // the deadline won: closed during login, which is right
            }
            proceed.countDown();
            firing.join(10_000);
            if (status == 0) {
                assertThat(initiator.ping()).as("a session that reached full feature phase stays up").isTrue();
            }
        } finally {
            log.removeHandler(hold);
            timer.shutdownNow();
        }
    }
}
