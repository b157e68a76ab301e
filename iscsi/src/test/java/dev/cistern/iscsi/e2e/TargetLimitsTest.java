package dev.cistern.iscsi.e2e;

import dev.cistern.iscsi.IscsiTarget;
import dev.cistern.iscsi.TargetDefinition;
import dev.cistern.iscsi.TargetLimits;
import dev.cistern.iscsi.login.LoginStatus;
import dev.cistern.iscsi.login.TextParams;
import dev.cistern.iscsi.pdu.Opcode;
import dev.cistern.iscsi.pdu.Pdu;
import dev.cistern.iscsi.session.CommandMemory;
import dev.cistern.iscsi.testing.LogWatch;
import dev.cistern.iscsi.testing.MemoryTargets;
import dev.cistern.iscsi.testing.TestInitiator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The target's limits on what clients nobody has authenticated can hold: connections in all and per
 * source address, sessions (TSIHs), and the time the whole login phase may take.
 */
class TargetLimitsTest {
    private static final String IQN = "iqn.2026-11.dev.cistern:limits";
    private final TargetDefinition def = MemoryTargets.definition(IQN, 1, 1L << 20, null, null, Set.of());
    private final List<AutoCloseable> open = new ArrayList<>();
    private IscsiTarget target;

    private IscsiTarget start(TargetLimits limits) {
        target = new IscsiTarget(() -> List.of(def), new InetSocketAddress("127.0.0.1", 0), Duration.ofSeconds(30),
                CommandMemory.forHeap(), limits);
        target.start();
        return target;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) c.close();
        if (target != null) target.stop();
    }

    /** A connection to the target from {@code source} (any 127/8 address reaches the loopback listener). */
    private Socket connect(String source) throws IOException {
        Socket s = new Socket();
        open.add(s);
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress("127.0.0.1", target.port()), 5000);
        s.setSoTimeout(5000);
        return s;
    }

    /** Whether the target hung up on {@code s} without a word (end of stream or reset) within a few seconds. */
    private static boolean refused(Socket s) {
        try {
            return s.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private static Pdu loginPdu(int flags, Map<String, String> keys) {
        Pdu p = Pdu.of(Opcode.LOGIN_REQUEST).flags(flags);
        p.bhs()[0] |= 0x40;
        p.putBytes(8, new byte[]{0x40, 0, 0, 0, 7, 1}).itt(1).putInt(24, 1);
        return p.data(TextParams.encode(keys));
    }

    private static byte[] encode(Pdu p) {
        return dev.cistern.iscsi.pdu.PduWriter.encode(p, false, false);
    }

    /** A login that answered once: the connection holds a thread; it is working before it is refused more. */
    private static boolean answersLogin(Socket s) throws Exception {
        Pdu first = loginPdu(0, Map.of("InitiatorName", "iqn.2026-11.test:limits", "SessionType", "Discovery",
                "AuthMethod", "None"));
        s.getOutputStream().write(encode(first));
        byte[] bhs = s.getInputStream().readNBytes(48);
        return bhs.length == 48 && (bhs[0] & 0x3f) == Opcode.LOGIN_RESPONSE && bhs[36] == 0 && bhs[37] == 0;
    }

    @Test
    void connectionsBeyondTheTotalOrOneAddressesShareAreClosedAtOnce() throws Exception {
        // nothing bounded connections: anyone could open them until the server ran out of file descriptors
        start(TargetLimits.defaults().withConnections(3, 2));
        Socket a1 = connect("127.0.0.1");
        Socket a2 = connect("127.0.0.1");
        assertThat(answersLogin(a1)).isTrue();
        assertThat(answersLogin(a2)).isTrue();
        assertThat(refused(connect("127.0.0.1"))).as("a third from one address").isTrue();
        Socket b1 = connect("127.0.0.2");
        assertThat(answersLogin(b1)).as("another address still gets in").isTrue();
        assertThat(refused(connect("127.0.0.3"))).as("a fourth in all").isTrue();
        a1.close();
        long until = System.currentTimeMillis() + 5000;
        boolean readmitted = false;
        while (!readmitted && System.currentTimeMillis() < until) {
            Socket again = connect("127.0.0.1");
            readmitted = answersLoginOrRefused(again);
        }
        assertThat(readmitted).as("a slot freed by a connection that ended is given again").isTrue();
    }

    private static boolean answersLoginOrRefused(Socket s) {
        try {
            return answersLogin(s);
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void refusalsAreLoggedAtMostOnceAMinute() throws Exception {
        start(TargetLimits.defaults().withConnections(1, 1));
        try (LogWatch watch = new LogWatch()) {
            Socket held = connect("127.0.0.1");
            assertThat(answersLogin(held)).isTrue();
            for (int i = 0; i < 20; i++) assertThat(refused(connect("127.0.0.1"))).isTrue();
            assertThat(watch.records()).filteredOn(r -> r.contains("refused")).hasSize(1);
        }
    }

    @Test
    void aLoginBeyondTheSessionCapIsAnsweredOutOfResources() throws Exception {
        // allocateTsih looped for ever once every TSIH was in use, and discovery sessions need no password
        start(TargetLimits.defaults().withSessions(2));
        List<TestInitiator> sessions = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            TestInitiator t = new TestInitiator(target.port());
            open.add(t);
            assertThat(t.login("iqn.2026-11.test:s" + i, null, new byte[]{0x40, 0, 0, 0, 5, (byte) i})).isZero();
            sessions.add(t);
        }
        TestInitiator third = new TestInitiator(target.port());
        open.add(third);
        assertThat(third.login("iqn.2026-11.test:s2", IQN, new byte[]{0x40, 0, 0, 0, 5, 2}))
                .isEqualTo(LoginStatus.OUT_OF_RESOURCES);
        assertThat(third.read()).as("closed after the failed login").isNull();
        sessions.getFirst().close();
        long until = System.currentTimeMillis() + 5000;
        int status = -1;
        while (status != 0 && System.currentTimeMillis() < until) {
            try (TestInitiator again = new TestInitiator(target.port())) {
                status = again.login("iqn.2026-11.test:s3", IQN, new byte[]{0x40, 0, 0, 0, 5, 3});
                // until the ended session's thread gives its TSIH back the login is refused, and closed
                if (status == 0) assertThat(again.ping()).isTrue();
            }
        }
        assertThat(status).as("a session that ended gives its TSIH back").isZero();
    }

    @Test
    void theLoginPhaseEndsAfterItsTimeoutHoweverOftenTheInitiatorSpeaks() throws Exception {
        // the 30 s login timeout was a socket read timeout, reset by every PDU: one login PDU every 29 s
        // held a connection in login for ever
        start(TargetLimits.defaults().withLoginTimeout(Duration.ofMillis(1500)));
        Socket s = connect("127.0.0.1");
        assertThat(answersLogin(s)).isTrue();
        long started = System.nanoTime();
        InputStream in = s.getInputStream();
        Pdu again = loginPdu(0, Map.of()); // still in the security stage, nothing new to say
        boolean closed = false;
        while (!closed && System.nanoTime() - started < Duration.ofSeconds(6).toNanos()) {
            Thread.sleep(300);
            try {
                s.getOutputStream().write(encode(again));
                closed = in.readNBytes(48).length < 48;
            } catch (IOException e) {
                closed = true;
            }
        }
        long took = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertThat(closed).as("closed while still logging in").isTrue();
        assertThat(took).isLessThan(4000);
    }

    @Test
    void aConnectionThatSaysNothingIsClosedAfterTheLoginTimeout() throws Exception {
        start(TargetLimits.defaults().withLoginTimeout(Duration.ofMillis(500)));
        Socket s = connect("127.0.0.1");
        assertThat(refused(s)).isTrue();
    }
}
