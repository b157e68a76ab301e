package dev.cistern.vtl;

import static dev.cistern.vtl.VtlFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.engine.Stats;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three "weekly full" backups of one data set to three cartridges, a few percent changed each week
 * (rewritten regions and small insertions that shift the data), written as backup software writes:
 * 256 KiB variable blocks, a filemark after each file. The three cartridges must store less than 1.3x
 * one backup. Data set: 128 MiB in CI, 1 GiB with -Dcistern.test.long=true. Figures go to
 * target/dedup-figures.txt.
 */
class DedupTest {
    private static final int BLOCK = 256 * 1024;
    private static final int FILES = 16;

    @TempDir
    Path dir;

    @Test
    void threeWeeklyFullsStoreLessThanOnePointThreeTimesOne() throws Exception {
        long total = Boolean.getBoolean("cistern.test.long") ? 1L << 30 : 128L << 20;
        int fileSize = (int) (total / FILES);
        byte[][] files = new byte[FILES][];
        Random r = new Random(2026);
        for (int i = 0; i < FILES; i++) {
            files[i] = new byte[fileSize];
            r.nextBytes(files[i]);
        }
        StringBuilder fig = new StringBuilder("data set " + (total >> 20) + " MiB, " + FILES + " files, 256 KiB blocks\n");
        try (VtlFixture f = new VtlFixture(dir)) {
            long[] stored = new long[3];
            for (int week = 0; week < 3; week++) {
                String barcode = "WEEK0" + (week + 1) + "L5";
                TapeLibraries.addCartridge(f.engine, f.library, barcode, 4L << 30);
                TapeLibraries.moveCartridge(f.engine, f.library, barcode, 0x100);
                if (week > 0) change(files, r);
                long t0 = System.nanoTime();
                for (byte[] file : files) writeFile(f.drive1, file);
                double secs = (System.nanoTime() - t0) / 1e9;
                assertThat(run(f.drive1, 0x1b, 0, 0, 0, 0, 0).status()).isEqualTo(ScsiStatus.GOOD);
                TapeLibraries.moveCartridge(f.engine, f.library, barcode, 0x1000 + week);
                Stats s = f.engine.groupStats("grp");
                stored[week] = s.storedBytes();
                fig.append(String.format("after week %d: logical %d MiB, stored %d bytes (%.1f MiB), %.0f MB/s%n",
                        week + 1, s.logicalBytes() >> 20, s.storedBytes(), s.storedBytes() / 1048576.0,
                        total / 1e6 / secs));
            }
            double ratio = (double) stored[2] / stored[0];
            fig.append(String.format("three cartridges / one = %.3f%n", ratio));
            Files.writeString(Path.of("target/dedup-figures.txt"), fig);
            System.out.print(fig);
            assertThat(stored[0]).isGreaterThan(total * 9 / 10); // random data: one backup costs its size
            assertThat(ratio).isLessThan(1.3);
            // every cartridge reads back its own week's first block
            assertThat(TapeLibraries.listCartridges(f.engine, f.library)).allSatisfy(c ->
                    assertThat(c.usedBytes()).isBetween(total - 1_000_000, total + 1_000_000));
        }
    }

    /** About 3% changed: 64 KiB regions rewritten (one per 2 MiB), and a 100-byte insertion in 2 of 16 files. */
    private static void change(byte[][] files, Random r) {
        for (byte[] file : files) {
            for (int i = 0; i < file.length / (2 << 20) + 1; i++) {
                int at = r.nextInt(file.length - 65536);
                byte[] noise = new byte[65536];
                r.nextBytes(noise);
                System.arraycopy(noise, 0, file, at, noise.length);
            }
        }
        for (int k = 0; k < 2; k++) {
            byte[] file = files[r.nextInt(files.length)];
            int at = r.nextInt(file.length - 200);
            System.arraycopy(file, at, file, at + 100, file.length - at - 100); // shift, losing the tail
            byte[] inserted = new byte[100];
            r.nextBytes(inserted);
            System.arraycopy(inserted, 0, file, at, inserted.length);
        }
    }

    private static void writeFile(LogicalUnit drive, byte[] file) {
        for (int off = 0; off < file.length; off += BLOCK) {
            int n = Math.min(BLOCK, file.length - off);
            byte[] b = java.util.Arrays.copyOfRange(file, off, off + n);
            assertThat(run(drive, 0, b, 0x0a, 0, n >> 16, n >> 8, n, 0).status()).isEqualTo(ScsiStatus.GOOD);
        }
        assertThat(run(drive, 0x10, 0, 0, 0, 1, 0).status()).isEqualTo(ScsiStatus.GOOD);
    }
}
