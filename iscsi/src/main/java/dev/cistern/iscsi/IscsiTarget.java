package dev.cistern.iscsi;

import dev.cistern.iscsi.session.CommandMemory;
import dev.cistern.iscsi.session.Connection;
import dev.cistern.iscsi.session.ConnectionGate;
import dev.cistern.iscsi.session.SessionRegistry;
import dev.cistern.iscsi.session.TargetLuns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The iSCSI target: a TCP listener (3260 by default) serving each connection on its own virtual thread
 * with blocking I/O, so a slow disk or a slow initiator only ever holds up its own connection.
 * Targets and LUNs come from the {@link TargetCatalog} at each login.
 */
public final class IscsiTarget implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(IscsiTarget.class.getName());
    /** Silence after which a logged-in connection is pinged with a NOP-In. */
    public static final java.time.Duration DEFAULT_KEEPALIVE_IDLE = java.time.Duration.ofSeconds(30);

    private final TargetCatalog catalog;
    private final InetSocketAddress bind;
    private final SessionRegistry registry;
    private final ConnectionGate gate;
    private final TargetLuns luns = new TargetLuns();
    private ServerSocket server;
    private ExecutorService threads;
    /** Ends logins that outlast the login timeout; one thread for the whole target. */
    private ScheduledThreadPoolExecutor loginTimer;
    private Thread acceptor;
    private volatile boolean running;
    private final java.time.Duration keepaliveIdle;
    private final CommandMemory memory;
    private final TargetLimits limits;

    public IscsiTarget(TargetCatalog catalog, InetSocketAddress bind) {
        this(catalog, bind, DEFAULT_KEEPALIVE_IDLE);
    }

    /**
     * @param keepaliveIdle after this much silence on a connection the target pings with a NOP-In, and
     *                      closes the connection when that ping goes unanswered as long again
     */
    public IscsiTarget(TargetCatalog catalog, InetSocketAddress bind, java.time.Duration keepaliveIdle) {
        this(catalog, bind, keepaliveIdle, CommandMemory.forHeap());
    }

    /** @param memory how much command data all connections together may hold (write buffers, read Data-In) */
    public IscsiTarget(TargetCatalog catalog, InetSocketAddress bind, java.time.Duration keepaliveIdle,
                       CommandMemory memory) {
        this(catalog, bind, keepaliveIdle, memory, TargetLimits.defaults());
    }

    /** @param limits what clients may hold before and after they log in (connections, sessions, login time) */
    public IscsiTarget(TargetCatalog catalog, InetSocketAddress bind, java.time.Duration keepaliveIdle,
                       CommandMemory memory, TargetLimits limits) {
        this.catalog = catalog;
        this.bind = bind;
        this.keepaliveIdle = keepaliveIdle;
        this.memory = memory;
        this.limits = limits;
        this.registry = new SessionRegistry(limits.maxSessions());
        this.gate = new ConnectionGate(limits.maxConnections(), limits.maxConnectionsPerAddress(),
                java.time.Clock.systemUTC());
    }

    public synchronized void start() {
        if (running) return;
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(bind, 128);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for iSCSI on " + bind + ": " + e.getMessage(), e);
        }
        threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("iscsi-conn-", 0).factory());
        loginTimer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("iscsi-login-timer").daemon().factory());
        loginTimer.setRemoveOnCancelPolicy(true); // logins that end in time leave no task behind
        running = true;
        acceptor = Thread.ofVirtual().name("iscsi-accept").start(this::acceptLoop);
        LOG.log(System.Logger.Level.INFO, "iSCSI target listening on {0}", server.getLocalSocketAddress());
    }

    private void acceptLoop() {
        while (running) {
            try {
                Socket s = server.accept();
                admit(s);
            } catch (IOException e) {
                if (running) LOG.log(System.Logger.Level.WARNING, "iSCSI accept failed: {0}", e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "iSCSI accept failed", e);
            }
        }
    }

    /**
     * Serves {@code s} on a thread of its own if the connection limits let it in, else closes it at
     * once: a refused connection costs nothing beyond its accept.
     */
    private void admit(Socket s) {
        java.net.InetAddress from = s.getInetAddress();
        if (!gate.admit(from)) {
            closeQuietly(s);
            return;
        }
        try {
            Connection c = new Connection(s, catalog, registry, luns, keepaliveIdle, memory, limits.loginTimeout(),
                    loginTimer);
            threads.execute(() -> {
                try {
                    c.run();
                } finally {
                    gate.release(from);
                }
            });
        } catch (RuntimeException e) { // stopping (the executor takes no more): the slot is not kept
            gate.release(from);
            closeQuietly(s);
            throw e;
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // gone already
        }
    }

    /** Closes the listener and every session, then the volumes. */
    public synchronized void stop() {
        if (!running) return;
        running = false;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        registry.connections().forEach(Connection::close);
        threads.shutdownNow();
        try {
            threads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // after the connections (one still starting its login may schedule), and even when interrupted
            // waiting for them: a timer left running is a thread left behind per start and stop
            loginTimer.shutdownNow();
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        luns.close();
    }

    @Override
    public void close() {
        stop();
    }

    /** The bound port (the real one when started on port 0). */
    public int port() {
        ServerSocket s = server;
        return s == null ? -1 : s.getLocalPort();
    }

    /** Listening and accepting. */
    public boolean healthy() {
        ServerSocket s = server;
        return running && s != null && !s.isClosed() && acceptor != null && acceptor.isAlive();
    }

    public List<SessionInfo> sessions() {
        return registry.sessions();
    }
}
