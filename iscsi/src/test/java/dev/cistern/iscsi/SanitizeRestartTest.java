package dev.cistern.iscsi;

import dev.cistern.engine.BlockVolume;
import dev.cistern.engine.ContainerSpec;
import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.Engines;
import dev.cistern.engine.StorageGroupSpec;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.ScsiStatus;
import dev.cistern.iscsi.scsi.Sense;
import dev.cistern.iscsi.scsi.sbc.DiskModel;
import dev.cistern.iscsi.scsi.spc.Reservations;
import dev.cistern.iscsi.session.TargetLuns;
import dev.cistern.iscsi.testing.ForwardingVolume;
import dev.cistern.iscsi.testing.HeldVolume;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.cistern.iscsi.scsi.ScsiFixture.A;
import static dev.cistern.iscsi.scsi.ScsiFixture.cdb;
import static dev.cistern.iscsi.scsi.ScsiFixture.filled;
import static dev.cistern.iscsi.scsi.ScsiFixture.rw10;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sanitize that did not complete, on the real engine: the LUN opened again from the same container
 * (as after a crash or a restart) is in sanitize failure mode (SBC-4 4.11) until a sanitize succeeds,
 * or EXIT FAILURE MODE when the one that did not complete had AUSE set.
 */
class SanitizeRestartTest {
    private static final String CONTAINER = "wiped";
    private static final String IQN = EngineTargetCatalog.iqnOf(CONTAINER);
    private static final int BLOCKS = 2048;
    private static final byte[] TUR = cdb(0, 0, 0, 0, 0, 0);
    @TempDir
    Path dir;
    private Engine engine;
    private TargetLuns luns;

    @AfterEach
    void close() {
        if (luns != null) luns.close();
        if (engine != null) engine.close();
    }

    private void start() {
        engine = Engines.open(EngineConfig.defaults(dir));
        luns = new TargetLuns();
    }

    private void restart() {
        luns.close();
        engine.close();
        start();
    }

    private LunDefinition lunDefinition() {
        return new EngineTargetCatalog(engine).target(IQN).orElseThrow().luns().getFirst();
    }

    /** LUN 0 as the target opens it at login. */
    private LogicalUnit opened() {
        return luns.refresh(new EngineTargetCatalog(engine).target(IQN).orElseThrow()).get(0);
    }

    /** LUN 0 over {@code volume} wrapped around its engine volume, with its engine-kept state. */
    private LogicalUnit openedOver(java.util.function.UnaryOperator<BlockVolume> volume) {
        LunDefinition d = lunDefinition();
        return new LogicalUnit(0, volume.apply(d.volume().get()), DiskModel.commands(),
                new Reservations(d.reservations()), d.sanitize(), "CSTSAN");
    }

    private void createLunWithData() {
        start();
        engine.createGroup(StorageGroupSpec.of("grp"));
        engine.createContainer("grp", new ContainerSpec(CONTAINER, "iscsi", Map.of()));
        EngineTargetCatalog.addLun(engine, CONTAINER, BLOCKS * 512L, 512, false);
        assertThat(run(opened(), rw10(0x2a, 0, 8), filled(8 * 512, 'a'), 0).status()).isEqualTo(ScsiStatus.GOOD);
        restart();
    }

    private static ScsiResponse run(LogicalUnit lu, byte[] cdb, byte[] dataOut, int alloc) {
        return lu.execute(new ScsiRequest(cdb, dataOut, alloc, A, new int[]{0}));
    }

    private static byte[] sanitize(int byte1, int length) {
        return cdb(0x48, byte1, 0, 0, 0, 0, 0, length >>> 8, length & 0xff, 0);
    }

    private static void assertFailureMode(LogicalUnit lu) {
        Sense failed = new Sense(Sense.MEDIUM_ERROR, 0x31, 0x03);
        assertThat(run(lu, TUR, null, 0).sense()).isEqualTo(failed);
        assertThat(run(lu, rw10(0x28, 0, 1), null, 512).sense()).as("no partly erased data is served")
                .isEqualTo(failed);
        byte[] sense = run(lu, cdb(0x03, 0, 0, 0, 18, 0), null, 18).dataIn(); // REQUEST SENSE
        assertThat(new int[]{sense[2] & 0x0f, sense[12], sense[13]}).containsExactly(Sense.MEDIUM_ERROR, 0x31, 0x03);
    }

    @Test
    void aSanitizeCutPartWayLeavesTheReopenedLunInFailureModeUntilOneCompletes() throws Exception {
        createLunWithData();
        HeldVolume[] held = new HeldVolume[1];
        LogicalUnit first = openedOver(v -> held[0] = HeldVolume.writes(v));
        byte[] list = new byte[4 + 4];
        list[0] = 1; // one pass
        list[3] = 4; // pattern length
        list[4] = 0x55;
        list[5] = 0x55;
        list[6] = 0x55;
        list[7] = 0x55;
        // OVERWRITE with IMMED: GOOD at once, the writes run in the background and are held part way
        assertThat(run(first, sanitize(0x80 | 0x01, list.length), list, 0).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(held[0].awaitHeld()).isTrue();
        assertThat(engine.openContainer(CONTAINER).stat("lun-0").orElseThrow().attributes())
                .containsEntry("sanitize", "incomplete");

        // what the next start finds while the sanitize is cut: failure mode, restricted (AUSE 0)
        LogicalUnit reopened = opened();
        assertFailureMode(reopened);
        assertThat(run(reopened, sanitize(0x1f, 0), null, 0).sense())
                .isEqualTo(new Sense(Sense.ILLEGAL_REQUEST, 0x24, 0x00)); // EXIT FAILURE MODE refused

        held[0].release();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (run(first, TUR, null, 0).status() != ScsiStatus.GOOD && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(run(first, TUR, null, 0).status()).isEqualTo(ScsiStatus.GOOD);
        first.close();
        restart();
        LogicalUnit after = opened();
        assertThat(run(after, TUR, null, 0).status()).as("the completed sanitize cleared its mark")
                .isEqualTo(ScsiStatus.GOOD);
        assertThat(run(after, rw10(0x28, 0, 1), null, 512).dataIn()).containsOnly(0x55);
    }

    @Test
    void aFailedSanitizeIsStillFailureModeAfterARestartAndAuseLetsExitFailureModeClearIt() {
        createLunWithData();
        LogicalUnit broken = openedOver(v -> new ForwardingVolume(v) {
            @Override
            public void unmap(long offset, long length) {
                throw new EngineException(EngineException.Reason.IO_ERROR, "disk gone");
            }
        });
        // BLOCK ERASE with AUSE: fails, failure mode in which EXIT FAILURE MODE is allowed
        assertThat(run(broken, sanitize(0x20 | 0x02, 0), null, 0).sense())
                .isEqualTo(new Sense(Sense.MEDIUM_ERROR, 0x31, 0x03));
        broken.close();
        restart();
        LogicalUnit lu = opened();
        assertFailureMode(lu);
        assertThat(run(lu, sanitize(0x1f, 0), null, 0).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(run(lu, TUR, null, 0).status()).isEqualTo(ScsiStatus.GOOD);
        restart();
        assertThat(run(opened(), TUR, null, 0).status()).as("EXIT FAILURE MODE is durable too")
                .isEqualTo(ScsiStatus.GOOD);
        assertThat(run(opened(), rw10(0x28, 0, 1), null, 512).dataIn()).isEqualTo(filled(512, 'a'));
    }

    @Test
    void afterARestartInRestrictedFailureModeASanitizeThatSucceedsServesAgain() {
        createLunWithData();
        LogicalUnit broken = openedOver(v -> new ForwardingVolume(v) {
            @Override
            public void unmap(long offset, long length) {
                throw new EngineException(EngineException.Reason.IO_ERROR, "disk gone");
            }
        });
        assertThat(run(broken, sanitize(0x02, 0), null, 0).sense())
                .isEqualTo(new Sense(Sense.MEDIUM_ERROR, 0x31, 0x03));
        broken.close();
        restart();
        LogicalUnit lu = opened();
        assertFailureMode(lu);
        assertThat(run(lu, sanitize(0x1f, 0), null, 0).sense())
                .isEqualTo(new Sense(Sense.ILLEGAL_REQUEST, 0x24, 0x00));
        assertThat(run(lu, sanitize(0x02, 0), null, 0).status()).isEqualTo(ScsiStatus.GOOD);
        assertThat(run(lu, rw10(0x28, 0, 1), null, 512).dataIn()).containsOnly(0);
        restart();
        assertThat(run(opened(), TUR, null, 0).status()).isEqualTo(ScsiStatus.GOOD);
    }
}
