package dev.cistern.vtl;

import static dev.cistern.vtl.VtlFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.engine.Progress;
import dev.cistern.engine.Stats;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.ScsiStatus;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tape overwritten from the middle, erased or deleted gives its space back at the next clean: the
 * group then stores what a fresh write of the remaining data would, and nothing once that goes too.
 */
class SpaceReclamationTest {
    private static final int BLOCK = 64 * 1024;
    private static final int FILE = 1 << 20;

    @TempDir
    Path dir;

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void writeFile(LogicalUnit drive, byte[] file) {
        for (int off = 0; off < file.length; off += BLOCK) {
            byte[] b = java.util.Arrays.copyOfRange(file, off, off + BLOCK);
            assertThat(run(drive, 0, b, 0x0a, 0, BLOCK >> 16, BLOCK >> 8, BLOCK & 0xff, 0).status()).isEqualTo(ScsiStatus.GOOD);
        }
        assertThat(run(drive, 0x10, 0, 0, 0, 1, 0).status()).isEqualTo(ScsiStatus.GOOD);
    }

    private static byte[] readFile(LogicalUnit drive) {
        byte[] out = new byte[FILE];
        for (int off = 0; off < FILE; off += BLOCK) {
            ScsiResponse r = run(drive, BLOCK, null, 0x08, 0, BLOCK >> 16, BLOCK >> 8, BLOCK & 0xff, 0);
            assertThat(r.status()).isEqualTo(ScsiStatus.GOOD);
            System.arraycopy(r.dataIn(), 0, out, off, BLOCK);
        }
        return out;
    }

    private static void ok(ScsiResponse r) {
        assertThat(r.status()).isEqualTo(ScsiStatus.GOOD);
    }

    @Test
    void overwrittenErasedAndDeletedTapesAreReclaimed() {
        try (VtlFixture f = new VtlFixture(dir, true, 256 * 1024)) {
            byte[] keep0 = random(1, FILE);
            byte[] keep1 = random(2, FILE);
            byte[] over = random(3, FILE);
            // A: four files, then overwritten from the third on with one new file
            TapeLibraries.addCartridge(f.engine, f.library, "AAA001L5", 1L << 30);
            TapeLibraries.moveCartridge(f.engine, f.library, "AAA001L5", 0x100);
            writeFile(f.drive1, keep0);
            writeFile(f.drive1, keep1);
            writeFile(f.drive1, random(4, FILE));
            writeFile(f.drive1, random(5, FILE));
            ok(run(f.drive1, 0x01, 0, 0, 0, 0, 0));                  // REWIND
            ok(run(f.drive1, 0x11, 1, 0, 0, 2, 0));                  // SPACE 2 filemarks
            writeFile(f.drive1, over);
            ok(run(f.drive1, 0x01, 0, 0, 0, 0, 0));
            TapeLibraries.moveCartridge(f.engine, f.library, "AAA001L5", 0x1000);
            // B: written then erased from the start
            TapeLibraries.addCartridge(f.engine, f.library, "BBB001L5", 1L << 30);
            TapeLibraries.moveCartridge(f.engine, f.library, "BBB001L5", 0x100);
            writeFile(f.drive1, random(6, FILE));
            writeFile(f.drive1, random(7, FILE));
            ok(run(f.drive1, 0x01, 0, 0, 0, 0, 0));
            ok(run(f.drive1, 0x19, 1, 0, 0, 0, 0));                  // ERASE, long
            TapeLibraries.moveCartridge(f.engine, f.library, "BBB001L5", 0x1001);
            // C: written then deleted
            TapeLibraries.addCartridge(f.engine, f.library, "CCC001L5", 1L << 30);
            TapeLibraries.moveCartridge(f.engine, f.library, "CCC001L5", 0x100);
            writeFile(f.drive1, random(8, FILE));
            TapeLibraries.moveCartridge(f.engine, f.library, "CCC001L5", 0x1002);
            TapeLibraries.deleteCartridge(f.engine, f.library, "CCC001L5");

            f.engine.clean(Progress.NONE);
            Stats s = f.engine.groupStats("grp");
            // what stays: three 1 MiB files on A (and a few small index records)
            assertThat(s.uniqueBytes()).as("unique bytes after clean").isBetween(3L * FILE, 3L * FILE + 64 * 1024);

            TapeLibraries.moveCartridge(f.engine, f.library, "AAA001L5", 0x100);
            assertThat(readFile(f.drive1)).isEqualTo(keep0);
            ok(run(f.drive1, 0x11, 1, 0, 0, 1, 0));
            assertThat(readFile(f.drive1)).isEqualTo(keep1);
            ok(run(f.drive1, 0x11, 1, 0, 0, 1, 0));
            assertThat(readFile(f.drive1)).isEqualTo(over);
            TapeLibraries.moveCartridge(f.engine, f.library, "AAA001L5", 0x1000);
            TapeLibraries.deleteCartridge(f.engine, f.library, "AAA001L5");
            TapeLibraries.deleteCartridge(f.engine, f.library, "BBB001L5");
            f.engine.clean(Progress.NONE);
            Stats e = f.engine.groupStats("grp");
            // what stays is the library's own small state entry: one chunk of its size
            long left = 0;
            for (var x : f.engine.openContainer(f.library).list(null, null, 1000)) left += x.size();
            assertThat(left).isLessThan(4096);
            assertThat(e.chunkCount()).as("chunks left once every cartridge is deleted").isEqualTo(1);
            assertThat(e.uniqueBytes()).as("unique bytes left once every cartridge is deleted").isEqualTo(left);
        }
    }
}
