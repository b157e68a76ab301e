package dev.cistern.iscsi;

import dev.cistern.engine.BlockVolume;
import dev.cistern.engine.ContainerSpec;
import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.Engines;
import dev.cistern.engine.StorageGroupSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineTargetCatalogTest {
    @TempDir
    Path dir;
    private Engine engine;

    @BeforeEach
    void open() {
        engine = Engines.open(EngineConfig.defaults(dir));
        engine.createGroup(StorageGroupSpec.of("grp"));
    }

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void iscsiContainersAreTargetsWithTheirLunsAndAccessRules() {
        engine.createContainer("grp", new ContainerSpec("vmstore", "iscsi", Map.of("chap.user", "alice",
                "chap.secret", "correct-horse-battery", "chap.mutual.user", "tgt", "chap.mutual.secret",
                "target-secret-12345", "initiators", "iqn.1994-05.com.example:a, iqn.1994-05.com.example:b")));
        engine.createContainer("grp", new ContainerSpec("files", "nfs", Map.of()));
        assertThat(EngineTargetCatalog.addLun(engine, "vmstore", 1L << 30, 4096, false)).isZero();
        assertThat(EngineTargetCatalog.addLun(engine, "vmstore", 1L << 20, 512, true)).isEqualTo(1);

        TargetCatalog catalog = new EngineTargetCatalog(engine);
        assertThat(catalog.targets()).hasSize(1);
        TargetDefinition t = catalog.target("iqn.2026-11.dev.cistern:vmstore").orElseThrow();
        assertThat(t.chap().user()).isEqualTo("alice");
        assertThat(t.mutualChap().user()).isEqualTo("tgt");
        assertThat(t.allows("iqn.1994-05.com.example:b")).isTrue();
        assertThat(t.allows("iqn.1994-05.com.example:c")).isFalse();
        assertThat(t.luns()).extracting(LunDefinition::number).containsExactly(0, 1);
        try (BlockVolume v = t.luns().get(1).volume().get()) {
            assertThat(v.blockSize()).isEqualTo(512);
            assertThat(v.readOnly()).isTrue();
        }

        EngineTargetCatalog.removeLun(engine, "vmstore", 0);
        assertThat(catalog.target("iqn.2026-11.dev.cistern:vmstore").orElseThrow().luns())
                .extracting(LunDefinition::number).containsExactly(1);
        assertThat(EngineTargetCatalog.addLun(engine, "vmstore", 1L << 20, 512, false)).isZero(); // reuses 0
    }

    @Test
    void reservationStateIsKeptAsAStreamEntryNextToTheLun() {
        engine.createContainer("grp", new ContainerSpec("cluster", "iscsi", Map.of()));
        EngineTargetCatalog.addLun(engine, "cluster", 1L << 20, 512, false);
        ReservationStore store = new EngineTargetCatalog(engine).targets().getFirst().luns().getFirst().reservations();
        assertThat(store.load()).isEmpty();
        store.save("cistern-pr 1\ngeneration 3\n".getBytes());
        ReservationStore again = new EngineTargetCatalog(engine).targets().getFirst().luns().getFirst().reservations();
        assertThat(new String(again.load())).isEqualTo("cistern-pr 1\ngeneration 3\n");
        assertThat(engine.openContainer("cluster").stat("pr-lun-0")).isPresent();
    }

    @Test
    void badRequestsAreRefusedWithAReason() {
        engine.createContainer("grp", new ContainerSpec("objects", "s3", Map.of()));
        engine.createContainer("grp", new ContainerSpec("disk", "iscsi", Map.of()));
        assertThatThrownBy(() -> EngineTargetCatalog.addLun(engine, "objects", 1L << 20, 512, false))
                .isInstanceOf(EngineException.class).hasMessageContaining("not iscsi");
        assertThatThrownBy(() -> EngineTargetCatalog.addLun(engine, "disk", 1000, 512, false))
                .hasMessageContaining("multiple of the block size");
        assertThatThrownBy(() -> EngineTargetCatalog.addLun(engine, "disk", 1L << 20, 1024, false))
                .hasMessageContaining("512 or 4096");
    }

    @Test
    void aContainerWithABadSecretIsNotExportedButOthersAre() {
        engine.createContainer("grp", new ContainerSpec("weak", "iscsi", Map.of("chap.user", "u", "chap.secret", "short")));
        engine.createContainer("grp", new ContainerSpec("fine", "iscsi", Map.of()));
        assertThat(new EngineTargetCatalog(engine).targets()).extracting(TargetDefinition::iqn)
                .containsExactly("iqn.2026-11.dev.cistern:fine");
    }
}
