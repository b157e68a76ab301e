package dev.cistern.engine.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.engine.ChunkingSpec;
import dev.cistern.engine.Compression;
import dev.cistern.engine.ContainerSpec;
import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.EngineException.Reason;
import dev.cistern.engine.Engines;
import dev.cistern.engine.StorageGroupSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hashing a passphrase (PBKDF2, about half a second each) must not hold the namespace lock, which every
 * group and container change of the server takes: the tests hold a passphrase change or a group creation in
 * its key derivation and make other changes meanwhile.
 */
class PassphraseHashingOutsideNamespaceLockTest {
    private static final long WAIT_SECONDS = 30;
    /** Long enough for a change that does not wait for the lock; the held thread would make it wait for ever. */
    private static final long CHANGE_SECONDS = 10;
    private static final char[] OLD = "old passphrase".toCharArray();
    private static final char[] NEW = "new passphrase".toCharArray();

    @TempDir
    Path dir;
    // threads of their own: the common pool has a single thread on two cores
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch inDerivation = new CountDownLatch(1);
    private final CountDownLatch go = new CountDownLatch(1);

    @AfterEach
    void release() {
        go.countDown();
        threads.shutdownNow();
    }

    /** Holds the first thread that reaches the key derivation until {@link #go}; lets later ones through. */
    private void holdFirstDerivation(LocalEngine e) {
        AtomicBoolean held = new AtomicBoolean();
        e.pausePoints.inKeyDerivation = () -> {
            if (!held.compareAndSet(false, true)) return;
            inDerivation.countDown();
            try {
                if (!go.await(WAIT_SECONDS, TimeUnit.SECONDS)) throw new IllegalStateException("test timed out at the pause point");
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private static StorageGroupSpec encrypted(String name, char[] passphrase) {
        return new StorageGroupSpec(name, Compression.FAST, 0, ChunkingSpec.DEFAULT, passphrase);
    }

    private EngineConfig config() {
        return EngineConfig.defaults(dir);
    }

    @Test
    void containersAndGroupsChangeWhileAPassphraseChangeDerivesItsKeys() throws Exception {
        try (LocalEngine e = (LocalEngine) Engines.open(config())) {
            e.createGroup(StorageGroupSpec.of("plain"));
            e.createGroup(encrypted("secret", OLD));
            holdFirstDerivation(e);
            CompletableFuture<Void> change = CompletableFuture.runAsync(() -> e.changePassphrase("secret", OLD, NEW), threads);
            assertThat(inDerivation.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("passphrase change in its derivation").isTrue();

            CompletableFuture.runAsync(() -> e.createContainer("plain", new ContainerSpec("bkp", "client", Map.of())), threads)
                    .get(CHANGE_SECONDS, TimeUnit.SECONDS);
            // the group being changed too: its quota is not the blob the change unwrapped, so both stand
            CompletableFuture.runAsync(() -> e.updateGroup("secret", null, 1L << 30), threads).get(CHANGE_SECONDS, TimeUnit.SECONDS);
            CompletableFuture.runAsync(() -> e.deleteContainer("bkp"), threads).get(CHANGE_SECONDS, TimeUnit.SECONDS);
            assertThat(change).as("the passphrase change is still held").isNotDone();

            go.countDown();
            change.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(e.group("secret").quotaBytes()).isEqualTo(1L << 30);
        }
        try (LocalEngine e = (LocalEngine) Engines.open(config())) {
            assertThatThrownBy(() -> e.unlockGroup("secret", OLD)).extracting(t -> ((EngineException) t).reason())
                    .isEqualTo(Reason.ACCESS_DENIED);
            e.unlockGroup("secret", NEW);
            assertThat(e.group("secret").locked()).isFalse();
            assertThat(e.group("secret").quotaBytes()).as("the quota set during the change").isEqualTo(1L << 30);
        }
    }

    @Test
    void containersAreCreatedWhileAnEncryptedGroupIsCreated() throws Exception {
        try (LocalEngine e = (LocalEngine) Engines.open(config())) {
            e.createGroup(StorageGroupSpec.of("plain"));
            holdFirstDerivation(e);
            CompletableFuture<Void> create = CompletableFuture.runAsync(() -> e.createGroup(encrypted("secret", OLD)), threads);
            assertThat(inDerivation.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("group creation in its derivation").isTrue();

            CompletableFuture.runAsync(() -> e.createContainer("plain", new ContainerSpec("bkp", "client", Map.of())), threads)
                    .get(CHANGE_SECONDS, TimeUnit.SECONDS);
            assertThat(create).isNotDone();

            go.countDown();
            create.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(e.group("secret").encrypted()).isTrue();
            assertThat(e.group("secret").locked()).isFalse();
        }
    }

    /**
     * Two changes of one group's passphrase at once: the one that swaps second unwrapped a blob that is gone,
     * so it must fail rather than put back a key wrapped under a passphrase the other change replaced.
     */
    @Test
    void aPassphraseChangedMeanwhileFailsBusyAndTheOtherChangeStands() throws Exception {
        char[] other = "other passphrase".toCharArray();
        try (LocalEngine e = (LocalEngine) Engines.open(config())) {
            e.createGroup(encrypted("secret", OLD));
            holdFirstDerivation(e);
            CompletableFuture<Void> first = CompletableFuture.runAsync(() -> e.changePassphrase("secret", OLD, NEW), threads);
            assertThat(inDerivation.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            CompletableFuture.runAsync(() -> e.changePassphrase("secret", OLD, other), threads).get(WAIT_SECONDS, TimeUnit.SECONDS);

            go.countDown();
            assertThatThrownBy(() -> first.get(WAIT_SECONDS, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(EngineException.class)
                    .hasMessageContaining("storage group 'secret'").hasMessageContaining("try again")
                    .extracting(t -> ((EngineException) t).reason()).isEqualTo(Reason.BUSY);
        }
        try (LocalEngine e = (LocalEngine) Engines.open(config())) {
            assertThatThrownBy(() -> e.unlockGroup("secret", NEW)).extracting(t -> ((EngineException) t).reason())
                    .isEqualTo(Reason.ACCESS_DENIED);
            e.unlockGroup("secret", other);
            assertThat(e.group("secret").locked()).isFalse();
        }
    }
}
