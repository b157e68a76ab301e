package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changes of one entry name made through different handles of a container (S3 opens one per request),
 * racing: every entry left must read back as one of the versions written, whole, and the container's
 * logical bytes must still add up.
 */
class EntryRaceTest {
    @TempDir
    Path dir;

    @Test
    void commitsRenamesCopiesAndDeletesThroughSeparateHandlesNeverLeaveAnEntryWithoutItsData() throws Exception {
        int rounds = Boolean.getBoolean("cistern.test.long") ? 5000 : 500;
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("bkt", "client", Map.of()));
            byte[][] versions = new byte[4][];
            for (int i = 0; i < versions.length; i++) versions[i] = TestData.random(100 + i, 150_000 + 10_000 * i);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            threads.add(Thread.ofPlatform().start(() -> run(failure, () -> {
                for (int i = 0; i < rounds; i++) EngineRoundTripTest.put(e.openContainer("bkt"), "x", versions[i % versions.length]);
            })));
            threads.add(Thread.ofPlatform().start(() -> run(failure, () -> {
                for (int i = 0; i < rounds; i++) {
                    String to = "moved-" + (i % 20);
                    tolerating(() -> e.openContainer("bkt").rename("x", to));
                }
            })));
            threads.add(Thread.ofPlatform().start(() -> run(failure, () -> {
                for (int i = 0; i < rounds; i++) {
                    String to = "copied-" + (i % 20);
                    tolerating(() -> e.openContainer("bkt").copy("x", to));
                }
            })));
            threads.add(Thread.ofPlatform().start(() -> run(failure, () -> {
                for (int i = 0; i < rounds; i++) {
                    String moved = "moved-" + (i % 20);
                    tolerating(() -> e.openContainer("bkt").delete(moved));
                    tolerating(() -> e.openContainer("bkt").delete("x"));
                }
            })));
            for (Thread t : threads) t.join();
            assertThat(failure.get()).isNull();

            ContainerHandle c = e.openContainer("bkt");
            List<EntryInfo> entries = c.list("", null, 1000);
            assertThat(entries).isNotEmpty();
            long logical = 0;
            for (EntryInfo info : entries) {
                byte[] got = EngineRoundTripTest.readAll(c, info.name());
                assertThat(Arrays.stream(versions).anyMatch(v -> Arrays.equals(v, got)))
                        .as("'%s' (%d bytes) reads back as one of the versions written", info.name(), got.length).isTrue();
                logical += info.size();
            }
            assertThat(c.stats().logicalBytes()).as("logical bytes of the entries left").isEqualTo(logical);
            VerifyReport v = e.verify(Progress.NONE);
            assertThat(v.clean()).as(v.toString()).isTrue();
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void run(AtomicReference<Throwable> failure, Step body) {
        try {
            body.run();
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    /** The name is gone or taken by the time this step runs: the race lost, not a failure. */
    private static void tolerating(Runnable step) {
        try {
            step.run();
        } catch (EngineException ex) {
            if (ex.reason() != EngineException.Reason.NOT_FOUND && ex.reason() != EngineException.Reason.ALREADY_EXISTS) throw ex;
        }
    }
}
