package dev.cistern.iscsi;

import dev.cistern.iscsi.session.CommandMemory;
import dev.cistern.iscsi.session.Connection;
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
import java.util.concurrent.TimeUnit;

/**
 * The iSCSI target: a TCP listener (3260 by default) serving each connection on its own virtual thread
 * with blocking I/O, so a slow disk or a slow initiator only ever holds up its own connection.
 * Targets and LUNs come from the {@link TargetCatalog} at each login.
 */
public final class IscsiTarget implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(IscsiTarget.class.getName());

    private final TargetCatalog catalog;
    private final InetSocketAddress bind;
    private final SessionRegistry registry = new SessionRegistry();
    private final TargetLuns luns = new TargetLuns();
    private ServerSocket server;
    private ExecutorService threads;
    private Thread acceptor;
    private volatile boolean running;
    private final java.time.Duration keepaliveIdle;
    private final CommandMemory memory;

    public IscsiTarget(TargetCatalog catalog, InetSocketAddress bind) {
        this(catalog, bind, java.time.Duration.ofSeconds(30));
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
        this.catalog = catalog;
        this.bind = bind;
        this.keepaliveIdle = keepaliveIdle;
        this.memory = memory;
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
        running = true;
        acceptor = Thread.ofVirtual().name("iscsi-accept").start(this::acceptLoop);
        LOG.log(System.Logger.Level.INFO, "iSCSI target listening on {0}", server.getLocalSocketAddress());
    }

    private void acceptLoop() {
        while (running) {
            try {
                Socket s = server.accept();
                threads.execute(new Connection(s, catalog, registry, luns, keepaliveIdle, memory));
            } catch (IOException e) {
                if (running) LOG.log(System.Logger.Level.WARNING, "iSCSI accept failed: {0}", e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "iSCSI accept failed", e);
            }
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
