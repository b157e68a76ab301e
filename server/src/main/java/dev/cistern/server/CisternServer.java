package dev.cistern.server;

import dev.cistern.engine.Engine;
import dev.cistern.server.config.ConfigService;
import dev.cistern.server.config.ConfigStore;
import dev.cistern.server.config.PasswordHasher;
import dev.cistern.server.http.ApiContext;
import dev.cistern.server.http.HttpService;
import dev.cistern.server.http.PasswordCheckGate;
import dev.cistern.server.http.api.Resources;
import dev.cistern.server.jobs.JobManager;
import dev.cistern.server.mgmt.Management;
import dev.cistern.server.mgmt.MgmtSettings;
import dev.cistern.server.service.EngineService;
import dev.cistern.server.service.ScheduledCleanService;
import dev.cistern.server.service.ServiceRegistry;
import dev.cistern.server.service.ServiceWatcher;
import dev.cistern.server.tls.TlsKeyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * A whole Cistern server: wires the config service, TLS, the engine, the REST API, the scheduled clean and
 * the protocol front ends into services, starts them in that order and watches them. Used by
 * {@code cistern serve} and by tests (with {@link ServerSettings#forTests}).
 */
public final class CisternServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CisternServer.class);

    private final ServerSettings settings;
    private final DataLayout layout;
    private final ConfigService config;
    private final TlsKeyStore tls;
    private final EngineService engine;
    private final JobManager jobs;
    private final HttpService http;
    private final ServiceRegistry registry;
    private final ServiceWatcher watcher;

    private final Management management;

    private CisternServer(ServerSettings settings, MgmtSettings mgmtSettings, Function<Path, Engine> engineOpener,
                          List<ProtocolFrontEnd> frontEnds) {
        this.settings = settings;
        this.layout = new DataLayout(settings.dataDir());
        Instant startedAt = settings.clock().instant();
        this.config = new ConfigService(new ConfigStore(layout.configFile()), new PasswordHasher(settings.passwordIterations()),
                settings.clock());
        this.tls = TlsKeyStore.loadOrCreate(layout.keyStore(), startedAt);
        this.engine = new EngineService(layout.engineDir(), engineOpener);
        this.jobs = new JobManager(engine::engine, settings.clock());
        this.registry = new ServiceRegistry(settings.clock());
        this.management = new Management(MgmtSettings.load(layout.root().resolve("config").resolve("management.json"), mgmtSettings),
                layout.root(), engine::engine, config, registry, jobs, tls, settings.clock());
        ApiContext api = new ApiContext(engine::engine, config, jobs, registry, settings.clock(), startedAt, layout.root(),
                tls.fingerprint(), PasswordCheckGate.standard(), management.store());
        this.http = new HttpService(new InetSocketAddress(settings.bindAddress(), settings.httpPort()), tls.sslContext(),
                () -> management.frontDoor(Resources.router(api)));
        registry.add(engine);
        registry.add(http);
        if (settings.cleanHour() >= 0) registry.add(new ScheduledCleanService(jobs, settings.cleanHour(), settings.clock()));
        ServerContext ctx = new ServerContext(engine::engine, config, jobs, tls, layout, settings.clock());
        for (ProtocolFrontEnd fe : frontEnds) {
            int port = settings.portOf(fe.protocol(), fe.defaultPort());
            if (port == 0) {
                log.info("{} front end disabled (--{}-port 0)", fe.protocol(), fe.protocol());
                continue;
            }
            registry.add(fe.create(ctx, new InetSocketAddress(settings.bindAddress(), port)));
        }
        // last, so the health monitor watches every service above and is stopped first
        registry.add(management.monitor());
        registry.add(management.health());
        this.watcher = new ServiceWatcher(registry, settings.backoff(), settings.watchInterval(), settings.clock());
    }

    /**
     * Builds a server without starting anything but its config service and TLS material, so the caller can
     * set up the admin user before the API listens.
     */
    public static CisternServer create(ServerSettings settings, Function<Path, Engine> engineOpener,
                                       List<ProtocolFrontEnd> frontEnds) {
        return create(settings, MgmtSettings.defaults(), engineOpener, frontEnds);
    }

    /** {@link #create(ServerSettings, Function, List)} with the management plane's settings (before management.json). */
    public static CisternServer create(ServerSettings settings, MgmtSettings mgmt, Function<Path, Engine> engineOpener,
                                       List<ProtocolFrontEnd> frontEnds) {
        return new CisternServer(settings, mgmt, engineOpener, frontEnds);
    }

    /** {@link #create} then {@link #start()}. */
    public static CisternServer start(ServerSettings settings, Function<Path, Engine> engineOpener,
                                      List<ProtocolFrontEnd> frontEnds) {
        return create(settings, engineOpener, frontEnds).start();
    }

    /**
     * Starts the services in order and the watcher; throws {@link dev.cistern.server.service.ServiceStartException}
     * naming the service that could not start, with everything already started stopped again.
     */
    public CisternServer start() {
        registry.startAll();
        watcher.start();
        log.info("Cistern {} serving {} on https://{}:{}/api/v1 (certificate SHA-256 {})", Version.get(), layout.root(),
                settings.bindAddress(), httpPort(), tls.fingerprint());
        return this;
    }

    public int httpPort() {
        return http.port();
    }

    /** The engine service; its {@code engine()} is the running engine (front ends and tests). */
    public EngineService engine() {
        return engine;
    }

    public JobManager jobs() {
        return jobs;
    }

    public ConfigService config() {
        return config;
    }

    public TlsKeyStore tls() {
        return tls;
    }

    public ServiceRegistry services() {
        return registry;
    }

    /** Monitor, health, alerts and events. */
    public Management management() {
        return management;
    }

    public DataLayout layout() {
        return layout;
    }

    public ServerSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        watcher.close();
        registry.stopAll();
        // after the API has stopped, so no refusal comes after its count is recorded
        management.stopped();
        management.health().stoppedCleanly(); // every service stopped: the next start is no restart after a crash
        log.info("Cistern server stopped");
    }
}
