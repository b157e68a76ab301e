package dev.cistern.vtl;

import static dev.cistern.vtl.VtlFixture.run;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.EntryInfo;
import dev.cistern.vtl.media.TapeFormat;
import java.nio.file.Path;

/**
 * Child process of {@link CrashTest}: writes one block to cartridge CST001L5 in drive 1, then one WRITE
 * FILEMARKS of 16,777,215 filemarks, and halts the JVM (as kill -9 would) at the moment the engine has
 * published part of the object index on its own (auto-flush) and none of the marks list yet. Exit code
 * 3 when it halted there, 4 when the command ended first. Args: data dir.
 */
public final class FilemarkCrashWriter {
    private FilemarkCrashWriter() {
    }

    public static void main(String[] args) {
        VtlFixture f = new VtlFixture(Path.of(args[0]), true);
        TapeLibraries.addCartridge(f.engine, f.library, "CST001L5", 8L << 30);
        TapeLibraries.moveCartridge(f.engine, f.library, "CST001L5", 0x100);
        run(f.drive1, 0, new byte[1000], 0x0a, 0, 0, 0x03, 0xe8, 0);
        run(f.drive1, 0x10, 0, 0, 0, 0, 0); // flush the block
        ContainerHandle c = f.engine.openContainer(f.library);
        Thread watcher = Thread.ofPlatform().daemon().start(() -> {
            while (true) {
                long objects = c.stat(TapeFormat.objects("CST001L5")).map(EntryInfo::size).orElse(0L);
                if (objects > TapeFormat.OBJECT_BYTES) Runtime.getRuntime().halt(3);
                Thread.onSpinWait();
            }
        });
        run(f.drive1, 0x10, 0, 0xff, 0xff, 0xff, 0);
        Runtime.getRuntime().halt(watcher.isAlive() ? 4 : 5);
    }
}
