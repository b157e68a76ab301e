package dev.cistern.server.http;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.cistern.server.service.Health;
import dev.cistern.server.service.Service;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The REST API over HTTPS on the JDK's built-in server. Each request runs on its own virtual thread, so a
 * handler may block on the engine without holding up other requests (no event loop to protect).
 */
public final class HttpService implements Service {
    static {
        // The JDK's server waits for ever by default: a client that sends half a request, or none, would
        // hold its connection (and a file descriptor the engine needs) for good, without logging in.
        // Read once, when the server's classes load; a -D on the command line wins.
        limit("sun.net.httpserver.maxReqTime", "60"); // seconds to send the request, body included
        limit("sun.net.httpserver.maxRspTime", "600"); // seconds from the request to the end of the answer
        limit("jdk.httpserver.maxConnections", "1000");
    }

    private static void limit(String property, String value) {
        if (System.getProperty(property) == null) System.setProperty(property, value);
    }

    private final InetSocketAddress address;
    private final SSLContext ssl;
    private final Supplier<? extends HttpHandler> routerFactory;
    private HttpsServer server;
    private ExecutorService executor;

    /** @param address where to listen; port 0 picks a free port (see {@link #port()}) */
    public HttpService(InetSocketAddress address, SSLContext ssl, Supplier<? extends HttpHandler> routerFactory) {
        this.address = address;
        this.ssl = ssl;
        this.routerFactory = routerFactory;
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public synchronized void start() throws IOException {
        HttpsServer s;
        try {
            s = HttpsServer.create(address, 64);
        } catch (java.net.BindException e) {
            throw new IOException("cannot listen on " + address + ": " + e.getMessage()
                    + "; another process holds the port, pick another with --http-port", e);
        }
        s.setHttpsConfigurator(new HttpsConfigurator(ssl) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = ssl.getDefaultSSLParameters();
                p.setProtocols(new String[]{"TLSv1.3", "TLSv1.2"});
                p.setCipherSuites(Arrays.stream(p.getCipherSuites()).filter(HttpService::strongSuite).toArray(String[]::new));
                p.setUseCipherSuitesOrder(true);
                params.setSSLParameters(p);
            }
        });
        s.createContext("/", routerFactory.get());
        executor = Executors.newVirtualThreadPerTaskExecutor();
        s.setExecutor(executor);
        s.start();
        server = s;
    }

    @Override
    public synchronized void stop() {
        // give requests in flight a second to finish; jobs keep running on their own threads
        if (server != null) server.stop(1);
        if (executor != null) {
            // handlers still running (a login waiting its turn to hash, say) are interrupted and waited for:
            // left running, they wrote events and audit lines after the services behind them had stopped
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    org.slf4j.LoggerFactory.getLogger(HttpService.class).warn("HTTP handlers still running 10 s after stop");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        server = null;
        executor = null;
    }

    /**
     * Whether a cipher suite is one the port offers: TLS 1.3's (all AEAD), and for TLS 1.2 only forward-secret
     * ECDHE with an AEAD cipher (GCM, ChaCha20-Poly1305), as in Mozilla's "intermediate" profile. The JDK's
     * defaults also enable CBC suites with SHA-1 and SHA-2 MACs (MAC-then-encrypt, the padding oracles of
     * Lucky13; TLS scanners rate them "weak"), which no current client needs.
     */
    static boolean strongSuite(String suite) {
        if (suite.equals("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")) return true; // a signal, not a cipher
        if (suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")) return true; // TLS 1.3
        return suite.startsWith("TLS_ECDHE_") && (suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_"));
    }

    /** The port actually listened on (useful with port 0); -1 when stopped. */
    public synchronized int port() {
        return server == null ? -1 : server.getAddress().getPort();
    }

    @Override
    public synchronized Health health() {
        return server == null ? Health.down("not listening") : Health.up("listening on " + server.getAddress());
    }
}
