package dev.cistern.server.health;

import dev.cistern.engine.EngineException;
import dev.cistern.server.jobs.JobManager;
import dev.cistern.server.mgmt.MgmtSettings;
import dev.cistern.server.service.Health;
import dev.cistern.server.service.MutableClock;
import dev.cistern.server.service.Service;
import dev.cistern.server.service.ServiceRegistry;
import dev.cistern.server.tls.SelfSignedCertificate;
import dev.cistern.server.tls.TlsKeyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The health monitor's checks with a hand-driven clock: certificate expiry and services that fail. */
class HealthMonitorServiceTest {
    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock();

    /** A service whose failure the test switches on. */
    static final class Switch implements Service {
        volatile boolean failing;

        @Override
        public String name() {
            return "nfs";
        }

        @Override
        public void start() {
            if (failing) throw new IllegalStateException("port 2049 is taken");
        }

        @Override
        public void stop() {
        }

        @Override
        public Health health() {
            return failing ? Health.down("socket closed") : Health.up("ok");
        }
    }

    @Test
    void aCertificateNearItsEndRaisesAWarningThenACriticalAlert() throws Exception {
        TlsKeyStore tls = TlsKeyStore.loadOrCreate(dir.resolve("tls.p12"), clock.instant());
        ServiceRegistry services = new ServiceRegistry(clock);
        HealthStore store = new HealthStore(dir.resolve("health"), clock, Duration.ofDays(90), 1000);
        HealthMonitorService h = new HealthMonitorService(store, dir.resolve("health"), dir, () -> {
            throw new EngineException(EngineException.Reason.CLOSED, "no engine in this test");
        }, services, new JobManager(() -> null, clock), tls::certificate, MgmtSettings.defaults(), clock);

        h.checkOnce();
        assertThat(store.alerts()).noneMatch(a -> a.key().equals("certificate"));
        clock.advance(SelfSignedCertificate.VALIDITY.minus(Duration.ofDays(10)));
        h.checkOnce();
        assertThat(store.alerts()).filteredOn(a -> a.key().equals("certificate")).singleElement()
                .satisfies(a -> assertThat(a.severity()).isEqualTo(Alert.Severity.WARNING))
                .satisfies(a -> assertThat(a.message()).contains("expires at"));
        clock.advance(Duration.ofDays(11));
        h.checkOnce();
        assertThat(store.alerts()).filteredOn(a -> a.key().equals("certificate")).singleElement()
                .satisfies(a -> assertThat(a.severity()).isEqualTo(Alert.Severity.CRITICAL))
                .satisfies(a -> assertThat(a.message()).contains("expired at"));
    }

    @Test
    void aFailedServiceIsACriticalAlertThatClearsWhenItRunsAgain() throws Exception {
        TlsKeyStore tls = TlsKeyStore.loadOrCreate(dir.resolve("tls.p12"), clock.instant());
        ServiceRegistry services = new ServiceRegistry(clock);
        Switch nfs = new Switch();
        services.add(nfs);
        services.startAll();
        HealthStore store = new HealthStore(dir.resolve("health"), clock, Duration.ofDays(90), 1000);
        HealthMonitorService h = new HealthMonitorService(store, dir.resolve("health"), dir, () -> {
            throw new EngineException(EngineException.Reason.CLOSED, "no engine in this test");
        }, services, new JobManager(() -> null, clock), tls::certificate, MgmtSettings.defaults(), clock);
        var watcher = new dev.cistern.server.service.ServiceWatcher(services,
                new dev.cistern.server.service.Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8)), Duration.ofSeconds(1), clock);

        nfs.failing = true;
        watcher.checkOnce(); // sees DOWN, stops it, schedules a restart
        h.checkOnce();
        assertThat(store.alerts()).filteredOn(a -> a.key().equals("service:nfs")).singleElement()
                .satisfies(a -> assertThat(a.severity()).isEqualTo(Alert.Severity.CRITICAL))
                .satisfies(a -> assertThat(a.message()).contains("service 'nfs' is down: socket closed"));

        nfs.failing = false;
        clock.advance(Duration.ofSeconds(2));
        watcher.checkOnce(); // restarts it
        h.checkOnce();
        assertThat(store.alerts()).filteredOn(a -> a.key().equals("service:nfs")).singleElement()
                .satisfies(a -> assertThat(a.clearedAt()).isNotNull());
        assertThat(store.alerts()).filteredOn(a -> a.key().equals("restart:nfs")).singleElement()
                .satisfies(a -> assertThat(a.message()).contains("restarted by the watcher (1 restart(s)"));
        assertThat(store.events("service", 10)).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("service 'nfs' was restarted"));
    }

    /**
     * The engine refuses new data once free space is below what it keeps for its metadata, which on a small disk
     * is well under the critical percentage: the admin learns of it from an alert, not from failing backups.
     */
    @Test
    void lessFreeSpaceThanTheEngineNeedsIsACriticalAlertWhateverThePercentage() throws Exception {
        TlsKeyStore tls = TlsKeyStore.loadOrCreate(dir.resolve("tls.p12"), clock.instant());
        dev.cistern.server.FakeEngine engine = new dev.cistern.server.FakeEngine();
        HealthStore store = new HealthStore(dir.resolve("health"), clock, Duration.ofDays(90), 1000);
        // the capacity thresholds at 100%: only the engine's need can raise the alert here
        MgmtSettings d = MgmtSettings.defaults();
        MgmtSettings settings = new MgmtSettings(d.sampleInterval(), d.checkInterval(), 100, 100, d.quotaWarnPercent(),
                d.certificateWarning(), d.retention(), d.maxEvents(), null);
        HealthMonitorService h = new HealthMonitorService(store, dir.resolve("health"), dir, () -> engine,
                new ServiceRegistry(clock), new JobManager(() -> engine, clock), tls::certificate, settings, clock);

        h.checkOnce();
        assertThat(store.alerts()).noneMatch(a -> a.key().equals("capacity"));
        engine.minFreeBytes = java.nio.file.Files.getFileStore(dir).getUsableSpace() + (1L << 40);
        h.checkOnce();
        assertThat(store.alerts()).filteredOn(a -> a.key().equals("capacity") && a.clearedAt() == null).singleElement()
                .satisfies(a -> assertThat(a.severity()).isEqualTo(Alert.Severity.CRITICAL))
                .satisfies(a -> assertThat(a.message()).contains("is full").contains("new backup data is refused")
                        .contains("cistern clean"));
        engine.minFreeBytes = 0;
        h.checkOnce();
        assertThat(store.alerts()).noneMatch(a -> a.key().equals("capacity") && a.clearedAt() == null);
    }

    @Test
    void anEncryptedGroupLockedAfterARestartIsACriticalAlertUntilUnlocked() throws Exception {
        TlsKeyStore tls = TlsKeyStore.loadOrCreate(dir.resolve("tls.p12"), clock.instant());
        dev.cistern.server.FakeEngine engine = new dev.cistern.server.FakeEngine();
        char[] passphrase = "correct horse battery".toCharArray();
        engine.createGroup(new dev.cistern.engine.StorageGroupSpec("vault", dev.cistern.engine.Compression.FAST, 0, null,
                passphrase));
        engine.createGroup(dev.cistern.engine.StorageGroupSpec.of("plain"));
        HealthStore store = new HealthStore(dir.resolve("health"), clock, Duration.ofDays(90), 1000);
        HealthMonitorService h = new HealthMonitorService(store, dir.resolve("health"), dir, () -> engine,
                new ServiceRegistry(clock), new JobManager(() -> engine, clock), tls::certificate, MgmtSettings.defaults(), clock);

        h.checkOnce();
        assertThat(store.alerts()).noneMatch(a -> a.key().startsWith("locked:") && a.clearedAt() == null);
        engine.lockEncryptedGroups();
        h.checkOnce();
        assertThat(store.alerts()).filteredOn(a -> a.key().startsWith("locked:") && a.clearedAt() == null).singleElement()
                .satisfies(a -> assertThat(a.key()).isEqualTo("locked:vault"))
                .satisfies(a -> assertThat(a.severity()).isEqualTo(Alert.Severity.CRITICAL))
                .satisfies(a -> assertThat(a.message()).contains("storage-group unlock vault"));
        engine.unlockGroup("vault", passphrase);
        h.checkOnce();
        assertThat(store.alerts()).noneMatch(a -> a.key().startsWith("locked:") && a.clearedAt() == null);

        engine.lockEncryptedGroups();
        h.checkOnce();
        engine.deleteGroup("vault");
        h.checkOnce();
        assertThat(store.alerts()).as("the alert goes with the group").noneMatch(a -> a.key().startsWith("locked:") && a.clearedAt() == null);
    }

    @Test
    void aCheckThatFailsDoesNotSkipTheWorkAddedToEachRound() throws Exception {
        TlsKeyStore tls = TlsKeyStore.loadOrCreate(dir.resolve("tls.p12"), clock.instant());
        HealthStore store = new HealthStore(dir.resolve("health"), clock, Duration.ofDays(90), 1000);
        // not an EngineException: an engine failing otherwise (a disk error) fails the round's checks
        HealthMonitorService h = new HealthMonitorService(store, dir.resolve("health"), dir, () -> {
            throw new java.io.UncheckedIOException(new java.io.IOException("Input/output error"));
        }, new ServiceRegistry(clock), new JobManager(() -> null, clock), tls::certificate, MgmtSettings.defaults(), clock);
        java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
        h.alsoEachCheck(ran::incrementAndGet);

        org.assertj.core.api.Assertions.assertThatThrownBy(h::checkOnce).hasMessageContaining("Input/output error");
        assertThat(ran).as("the refused logins' count is written even when a check fails").hasValue(1);
    }

    @Test
    void aProcessKilledAfterTheMonitorStoppedIsStillAnUncleanShutdown() throws Exception {
        TlsKeyStore tls = TlsKeyStore.loadOrCreate(dir.resolve("tls.p12"), clock.instant());
        HealthStore store = new HealthStore(dir.resolve("health"), clock, Duration.ofDays(90), 1000);
        java.util.function.Supplier<HealthMonitorService> monitor = () -> new HealthMonitorService(store, dir.resolve("health"), dir, () -> {
            throw new EngineException(EngineException.Reason.CLOSED, "no engine in this test");
        }, new ServiceRegistry(clock), new JobManager(() -> null, clock), tls::certificate, MgmtSettings.defaults(), clock);

        // the monitor stops first; the process is then killed while the engine or a front end stops
        HealthMonitorService first = monitor.get();
        first.start();
        first.stop();
        HealthMonitorService second = monitor.get();
        second.start();
        assertThat(store.alerts()).as("before: stop() removed the marker, so this went unreported")
                .anyMatch(a -> a.key().equals("unclean-shutdown"));
        store.clear("unclean-shutdown");

        // restarted by the watcher within one process: no unclean shutdown
        second.stop();
        second.start();
        assertThat(store.alerts()).noneMatch(a -> a.key().equals("unclean-shutdown") && a.active());

        // every service stopped: the next process starts clean
        second.stop();
        second.stoppedCleanly();
        HealthMonitorService third = monitor.get();
        third.start();
        third.stop();
        assertThat(store.alerts()).noneMatch(a -> a.key().equals("unclean-shutdown") && a.active());
    }
}
