package dev.cistern.vtl.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.ContainerSpec;
import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.Engines;
import dev.cistern.engine.FileEntry;
import dev.cistern.engine.StorageGroupSpec;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a tape medium counts as lost when the engine fails an operation no quota can make fail. */
class TapeMediumFailureTest {
    @TempDir
    Path dir;

    /**
     * An overwrite in the middle cuts the objects after the position on purpose. When the engine fails
     * the cut half-way (the object index cut, the data not), the tape goes back to its durable point, but
     * the objects cut were not lost by the failure: no loss may be reported for them as a deferred error.
     */
    @Test
    void aCutTheEngineFailsHalfWayLosesNothingAcknowledged() {
        try (Engine engine = Engines.open(EngineConfig.defaults(dir))) {
            engine.createGroup(StorageGroupSpec.of("grp"));
            engine.createContainer("grp", new ContainerSpec("tapes", "vtl", Map.of()));
            AtomicBoolean failNextDataTruncate = new AtomicBoolean();
            Cartridge cartridge = new Cartridge("CST001L5", 1L << 30, false);
            ContainerHandle c = failingTruncate(engine.openContainer("tapes"), TapeFormat.data(cartridge.barcode()),
                    failNextDataTruncate);
            TapeMedium m = TapeMedium.open(c, cartridge);
            for (int i = 0; i < 6; i++) m.appendBlock(new byte[1000], 0, 1000);
            m.appendFilemarks(1);
            m.flush();
            m.acknowledge();
            failNextDataTruncate.set(true);
            assertThatThrownBy(() -> m.truncate(2)).isInstanceOf(EngineException.class);
            assertThat(m.endOfData()).isEqualTo(2);
            assertThat(m.takeLoss()).isNull();
            m.close();
        }
    }

    /** {@code container}, whose file {@code name} fails its next truncate while {@code armed} is set. */
    private static ContainerHandle failingTruncate(ContainerHandle container, String name, AtomicBoolean armed) {
        return proxy(ContainerHandle.class, container, (method, args, result) ->
                method.getName().equals("openOrCreateFile") && name.equals(args[0])
                        ? proxy(FileEntry.class, (FileEntry) result, (m, a, r) -> r, (m, a) -> {
                            if (m.getName().equals("truncate") && armed.getAndSet(false)) {
                                throw new EngineException(EngineException.Reason.IO_ERROR, "injected: truncate of " + name);
                            }
                        })
                        : result, (m, a) -> { });
    }

    private interface After {
        Object apply(java.lang.reflect.Method method, Object[] args, Object result);
    }

    private interface Before {
        void check(java.lang.reflect.Method method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, T target, After after, Before before) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
            before.check(method, args);
            try {
                return after.apply(method, args, method.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }
}
