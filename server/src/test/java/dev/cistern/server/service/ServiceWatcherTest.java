package dev.cistern.server.service;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceWatcherTest {

    /** A service whose health and start can be made to fail from the test. */
    static class FlakyService implements Service {
        final String name;
        final AtomicInteger starts = new AtomicInteger();
        final AtomicInteger stops = new AtomicInteger();
        volatile boolean healthy = true;
        volatile int failNextStarts;
        volatile boolean failWithError;

        FlakyService(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start() {
            if (failNextStarts > 0) {
                failNextStarts--;
                if (failWithError) throw new OutOfMemoryError("unable to create native thread");
                throw new IllegalStateException("disk " + name + " unavailable");
            }
            starts.incrementAndGet();
            healthy = true;
        }

        @Override
        public void stop() {
            stops.incrementAndGet();
        }

        @Override
        public Health health() {
            return healthy ? Health.up("fine") : Health.down("lost its socket");
        }
    }

    private final ServiceRegistry registry = new ServiceRegistry(Clock.systemUTC());

    @Test
    void restartsAServiceThatReportsDownAndRecordsIt() throws Exception {
        FlakyService s = new FlakyService("proto");
        registry.add(s);
        registry.startAll();
        try (ServiceWatcher w = new ServiceWatcher(registry, new Backoff(Duration.ofMillis(10), Duration.ofMillis(100)),
                Duration.ofMillis(10), Clock.systemUTC())) {
            w.start();
            s.healthy = false;
            long deadline = System.currentTimeMillis() + 5000;
            while (s.starts.get() < 2 && System.currentTimeMillis() < deadline) Thread.sleep(10);
        }
        assertThat(s.starts.get()).isEqualTo(2);
        assertThat(s.stops.get()).isGreaterThanOrEqualTo(1);
        ServiceStatus st = registry.statuses().getFirst();
        assertThat(st.state()).isEqualTo(ServiceState.RUNNING);
        assertThat(st.restarts()).isEqualTo(1);
        assertThat(st.lastFailure()).isEqualTo("lost its socket");
        assertThat(st.lastFailureAt()).isNotNull();
    }

    /** An Error from a restart (out of memory for a thread) is a failed start: the watcher goes on, it does not die. */
    @Test
    void anErrorFromARestartIsRetriedLikeAnyFailure() throws Exception {
        FlakyService s = new FlakyService("proto");
        registry.add(s);
        registry.startAll();
        try (ServiceWatcher w = new ServiceWatcher(registry, new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)),
                Duration.ofMillis(10), Clock.systemUTC())) {
            w.start();
            s.failWithError = true;
            s.failNextStarts = 2;
            s.healthy = false;
            long deadline = System.currentTimeMillis() + 5000;
            while (s.starts.get() < 2 && System.currentTimeMillis() < deadline) Thread.sleep(10);
        }
        assertThat(s.starts.get()).as("started again after two restarts failed with an Error").isEqualTo(2);
        ServiceStatus st = registry.statuses().getFirst();
        assertThat(st.state()).isEqualTo(ServiceState.RUNNING);
        assertThat(st.lastFailure()).isEqualTo("unable to create native thread");
    }

    @Test
    void keepsRetryingAFailingRestartWithGrowingDelays() {
        FlakyService s = new FlakyService("proto");
        registry.add(s);
        registry.startAll();
        MutableClock clock = new MutableClock();
        ServiceWatcher w = new ServiceWatcher(registry, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8)),
                Duration.ofSeconds(1), clock);
        s.healthy = false;
        s.failNextStarts = 2;
        w.checkOnce();                       // sees DOWN: stops, restart due in 1 s
        assertThat(registry.statuses().getFirst().state()).isEqualTo(ServiceState.FAILED);
        clock.advance(Duration.ofMillis(500));
        w.checkOnce();                       // not yet due
        assertThat(s.starts.get()).isEqualTo(1);
        clock.advance(Duration.ofMillis(500));
        w.checkOnce();                       // attempt 1 fails: next in 2 s
        clock.advance(Duration.ofSeconds(1));
        w.checkOnce();                       // not yet due
        assertThat(registry.statuses().getFirst().restarts()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        w.checkOnce();                       // attempt 2 fails: next in 4 s
        clock.advance(Duration.ofSeconds(4));
        w.checkOnce();                       // attempt 3 succeeds
        ServiceStatus st = registry.statuses().getFirst();
        assertThat(st.state()).isEqualTo(ServiceState.RUNNING);
        assertThat(st.restarts()).isEqualTo(3);
        assertThat(st.lastFailure()).isEqualTo("disk proto unavailable");
        assertThat(s.starts.get()).isEqualTo(2);
    }

    @Test
    void dependentsStopWithTheirDependencyAndRestartAfterIt() {
        FlakyService engine = new FlakyService("engine");
        FlakyService s3 = new FlakyService("s3") {
            @Override
            public java.util.List<String> dependsOn() {
                return java.util.List.of("engine");
            }
        };
        FlakyService http = new FlakyService("http");
        registry.add(engine);
        registry.add(s3);
        registry.add(http);
        registry.startAll();
        MutableClock clock = new MutableClock();
        ServiceWatcher w = new ServiceWatcher(registry, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8)),
                Duration.ofSeconds(1), clock);
        engine.healthy = false;
        engine.failNextStarts = 1;
        w.checkOnce();
        assertThat(registry.statuses()).extracting(ServiceStatus::state)
                .containsExactly(ServiceState.FAILED, ServiceState.FAILED, ServiceState.RUNNING);
        assertThat(registry.statuses().get(1).lastFailure()).isEqualTo("service 'engine' it depends on failed");
        clock.advance(Duration.ofSeconds(1));
        w.checkOnce();                       // engine's restart fails; s3 waits for it
        assertThat(s3.starts.get()).isEqualTo(1);
        assertThat(registry.statuses().get(1).restarts()).isZero();
        clock.advance(Duration.ofSeconds(2));
        w.checkOnce();                       // engine back, then s3 in the same round
        assertThat(registry.statuses()).extracting(ServiceStatus::state)
                .containsExactly(ServiceState.RUNNING, ServiceState.RUNNING, ServiceState.RUNNING);
        assertThat(s3.starts.get()).isEqualTo(2);
        assertThat(http.starts.get()).isEqualTo(1);
    }

    @Test
    void startAllStopsWhatItStartedWhenALaterServiceFails() {
        FlakyService first = new FlakyService("engine");
        FlakyService second = new FlakyService("http");
        second.failNextStarts = 1;
        registry.add(first);
        registry.add(second);
        assertThatThrownBy(registry::startAll)
                .hasMessage("service 'http' failed to start: disk http unavailable");
        assertThat(first.stops.get()).isEqualTo(1);
        assertThat(registry.statuses()).extracting(ServiceStatus::state)
                .containsExactly(ServiceState.STOPPED, ServiceState.FAILED);
    }

    @Test
    void refusesTwoServicesWithOneName() {
        registry.add(new FlakyService("http"));
        assertThatThrownBy(() -> registry.add(new FlakyService("http")))
                .hasMessageContaining("'http' is already registered");
    }

    @Test
    void backoffDoublesUpToItsCap() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertThat(b.delay(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.delay(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.delay(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(b.delay(4)).isEqualTo(Duration.ofSeconds(5));
        assertThat(b.delay(100)).isEqualTo(Duration.ofSeconds(5));
    }
}
