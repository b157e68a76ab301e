package dev.cistern.vtl;

import static dev.cistern.vtl.VtlFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.ScsiStatus;
import dev.cistern.iscsi.scsi.Sense;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 during tape writes ({@link CrashWriter} in a child JVM), 6 times (30 with
 * -Dcistern.test.long=true). After each kill the cartridge must hold every file whose filemark was
 * acknowledged, bit-exact, and after the last filemark only whole blocks that were written (or nothing):
 * never garbage.
 */
class CrashTest {
    @TempDir
    Path dir;

    @Test
    void cartridgeReadsBackToTheLastFilemarkAfterKillMinus9() throws Exception {
        int rounds = Boolean.getBoolean("cistern.test.long") ? 30 : 6;
        Random r = new Random(9);
        long acked = -1;
        for (int round = 0; round < rounds; round++) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    CrashWriter.class.getName(), dir.toString(), round == 0 ? "create" : "resume")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
            String first = out.readLine();
            assertThat(first).as("child started").startsWith("START ");
            assertThat(Long.parseLong(first.substring(6))).isGreaterThanOrEqualTo(acked + 1);
            long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300 + r.nextInt(1500));
            while (System.nanoTime() < killAt) {
                if (!out.ready()) {
                    if (!p.isAlive()) break;
                    Thread.sleep(1);
                    continue;
                }
                String line = out.readLine();
                acked = Long.parseLong(line.substring(5));
            }
            p.destroyForcibly(); // SIGKILL
            p.waitFor();
            while (out.ready()) {
                String line = out.readLine();
                if (line != null && line.startsWith("FILE ")) acked = Long.parseLong(line.substring(5));
            }
            verify(acked);
        }
        assertThat(acked).as("files acknowledged over all rounds").isGreaterThan(3);
    }

    /**
     * kill -9 in the middle of a WRITE FILEMARKS of 16,777,215 filemarks, once the engine has published
     * part of the object index by its own auto-flush ({@link FilemarkCrashWriter}). After the restart the
     * object index and the marks list must agree: every filemark READ meets is one SPACE and READ
     * POSITION count (the object index used to hold filemarks the marks list did not: READ hit a filemark,
     * SPACE FILEMARKS went to end of data, READ POSITION said file 0).
     */
    @Test
    void aKillDuringAHugeWriteFilemarksLeavesIndexAndMarksInAgreement() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                FilemarkCrashWriter.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("child halted after the object index was auto-flushed").isEqualTo(3);
        try (VtlFixture f = new VtlFixture(dir, false)) {
            run(f.drive1, 0x11, 3, 0, 0, 0, 0); // end of data
            byte[] pos = run(f.drive1, 0x34, 6, 0, 0, 0, 0, 0, 0, 0, 0).dataIn();
            long objects = dev.cistern.iscsi.scsi.Bytes.u64(pos, 8);
            long files = dev.cistern.iscsi.scsi.Bytes.u64(pos, 16);
            // one block, then filemarks only: each object after the block is a filemark
            assertThat(files).as("filemarks counted at end of data (%d objects)", objects).isEqualTo(objects - 1);
            run(f.drive1, 0x01, 0, 0, 0, 0, 0);
            assertThat(run(f.drive1, 0x08, 0, 0, 0x03, 0xe8, 0).status()).isEqualTo(ScsiStatus.GOOD);
            if (objects > 1) {
                assertThat(run(f.drive1, 0x08, 0, 0, 0x03, 0xe8, 0).sense().streamBits()).isEqualTo(Sense.FILEMARK);
            }
            // the tape goes on from there: one more filemark is found by SPACE
            run(f.drive1, 0x11, 3, 0, 0, 0, 0);
            assertThat(run(f.drive1, 0x10, 0, 0, 0, 1, 0).status()).isEqualTo(ScsiStatus.GOOD);
            run(f.drive1, 0x01, 0, 0, 0, 0, 0);
            int[] space = new int[16];
            space[0] = 0x91;
            space[1] = 1;
            for (int i = 0; i < 8; i++) space[4 + i] = (int) (files >>> (56 - 8 * i)) & 0xff;
            assertThat(run(f.drive1, space).status()).isEqualTo(ScsiStatus.GOOD);
            assertThat(dev.cistern.iscsi.scsi.Bytes.u64(run(f.drive1, 0x34, 6, 0, 0, 0, 0, 0, 0, 0, 0).dataIn(), 8))
                    .isEqualTo(objects);
        }
    }

    private void verify(long acked) {
        try (VtlFixture f = new VtlFixture(dir, false)) {
            run(f.drive1, 0x01, 0, 0, 0, 0, 0);
            for (long file = 0; ; file++) {
                for (int b = 0; b <= CrashWriter.BLOCKS_PER_FILE; b++) {
                    ScsiResponse resp = run(f.drive1, 0x08, 0, 0x04, 0, 0, 0); // up to 256 KiB
                    if (resp.status() == ScsiStatus.CHECK_CONDITION && resp.sense().key() == Sense.BLANK_CHECK) {
                        assertThat(file).as("complete files after the kill").isGreaterThan(acked);
                        return;
                    }
                    if (b == CrashWriter.BLOCKS_PER_FILE) {
                        assertThat(resp.sense()).as("file %d ends with its filemark", file)
                                .extracting(Sense::streamBits).isEqualTo(Sense.FILEMARK);
                        break;
                    }
                    int n = CrashWriter.length(file, b);
                    byte[] want = new byte[n];
                    new Random(CrashWriter.seed(file, b)).nextBytes(want);
                    assertThat(resp.sense()).as("file %d block %d", file, b).isNotNull()
                            .extracting(Sense::streamBits).isEqualTo(Sense.ILI);
                    assertThat(resp.dataIn()).as("file %d block %d", file, b).isEqualTo(want);
                }
            }
        }
    }
}
