package dev.cistern.server.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The server's services, in start order. {@link #startAll()} starts them one by one and, if one fails,
 * stops the ones already started so a half-started server never lingers; {@link #stopAll()} stops them in
 * reverse order so front ends go before the engine they use.
 *
 * <p>Restarting a failed service is the {@link ServiceWatcher}'s job; this class records what happened.
 */
public final class ServiceRegistry {
    private static final Logger log = LoggerFactory.getLogger(ServiceRegistry.class);

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final Clock clock;

    public ServiceRegistry(Clock clock) {
        this.clock = clock;
    }

    /** Adds a service to start after the ones added before it. Names must be unique. */
    public void add(Service service) {
        if (find(service.name()).isPresent()) {
            throw new IllegalArgumentException("a service named '" + service.name() + "' is already registered");
        }
        entries.add(new Entry(service));
    }

    public void startAll() {
        List<Entry> started = new ArrayList<>();
        for (Entry e : entries) {
            try {
                e.start();
                started.add(e);
            } catch (Exception ex) {
                log.error("service '{}' failed to start; stopping the services started before it", e.name(), ex);
                e.recordFailure(ServiceStartException.describe(ex), clock.instant());
                for (int i = started.size() - 1; i >= 0; i--) started.get(i).stop();
                throw new ServiceStartException(e.name(), ex);
            }
        }
    }

    public void stopAll() {
        for (int i = entries.size() - 1; i >= 0; i--) entries.get(i).stop();
    }

    public List<ServiceStatus> statuses() {
        return entries.stream().map(Entry::status).toList();
    }

    /**
     * The statuses of every service but {@code name}: what a service watching the others asks for. It
     * must not take its own entry's lock from its own thread: stopping it holds that lock while it waits
     * for the service's checks to end (a deadlock the health monitor ran into at shutdown).
     */
    public List<ServiceStatus> statusesOtherThan(String name) {
        return entries.stream().filter(e -> !e.name().equals(name)).map(Entry::status).toList();
    }

    public <T extends Service> Optional<T> find(String name, Class<T> type) {
        return find(name).map(e -> e.service).filter(type::isInstance).map(type::cast);
    }

    Optional<Entry> find(String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    List<Entry> entries() {
        return entries;
    }

    /** A service with its life-cycle record. State changes are serialized per entry. */
    static final class Entry {
        final Service service;
        private ServiceState state = ServiceState.NEW;
        private int restarts;
        private int consecutiveFailures;
        private String lastFailure;
        private Instant lastFailureAt;
        private Instant nextAttemptAt;
        private Instant healthySince;

        Entry(Service service) {
            this.service = service;
        }

        String name() {
            return service.name();
        }

        synchronized void start() throws Exception {
            state = ServiceState.STARTING;
            try {
                service.start();
                state = ServiceState.RUNNING;
            } catch (Exception | Error e) {
                try {
                    service.stop();   // the contract says a failed start leaves nothing running; make sure
                } catch (RuntimeException stopFailure) {
                    e.addSuppressed(stopFailure);
                }
                state = ServiceState.FAILED;
                throw e;
            }
        }

        synchronized void stop() {
            if (state == ServiceState.NEW || state == ServiceState.STOPPED) return;
            try {
                service.stop();
            } catch (RuntimeException e) {
                log.warn("service '{}' threw while stopping (it should not)", name(), e);
            }
            state = ServiceState.STOPPED;
        }

        synchronized ServiceState state() {
            return state;
        }

        synchronized void recordFailure(String what, Instant at) {
            state = ServiceState.FAILED;
            consecutiveFailures++;
            lastFailure = what;
            lastFailureAt = at;
            healthySince = null;
        }

        synchronized void recordRestart() {
            restarts++;
        }

        synchronized int consecutiveFailures() {
            return consecutiveFailures;
        }

        synchronized Instant nextAttemptAt() {
            return nextAttemptAt;
        }

        synchronized void scheduleAttempt(Instant at) {
            nextAttemptAt = at;
        }

        /** Forgets past failures once the service has stayed healthy for {@code stableFor}. */
        synchronized void recordHealthy(Instant now, java.time.Duration stableFor) {
            if (healthySince == null) healthySince = now;
            else if (consecutiveFailures > 0 && !now.isBefore(healthySince.plus(stableFor))) consecutiveFailures = 0;
        }

        ServiceStatus status() {
            Health h;
            ServiceState s = state();
            if (s == ServiceState.RUNNING) {
                h = safeHealth();
            } else if (s == ServiceState.FAILED) {
                h = Health.down("failed: " + lastFailure());
            } else {
                h = Health.down(s.name().toLowerCase(java.util.Locale.ROOT));
            }
            synchronized (this) {
                return new ServiceStatus(name(), state, h, restarts, lastFailure, lastFailureAt);
            }
        }

        private synchronized String lastFailure() {
            return lastFailure;
        }

        Health safeHealth() {
            try {
                Health h = service.health();
                return h == null ? Health.down("health check returned nothing") : h;
            } catch (RuntimeException | Error e) {
                return Health.down("health check failed: " + ServiceStartException.describe(e));
            }
        }
    }
}
