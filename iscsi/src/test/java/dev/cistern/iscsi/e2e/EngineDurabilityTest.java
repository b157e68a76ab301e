package dev.cistern.iscsi.e2e;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.testing.ExternalTools;
import dev.cistern.iscsi.testing.TestInitiator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static dev.cistern.iscsi.testing.ExternalTools.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash safety on the real engine: a child JVM runs the launcher on an engine data directory, data
 * acknowledged after SYNCHRONIZE CACHE or as a FUA write, and persistent reservations, must all be
 * there after kill -9 and a restart.
 */
class EngineDurabilityTest {
    private static final String CONTAINER = "crashlun";
    private static final String IQN = "iqn.2026-11.dev.cistern:" + CONTAINER;
    private Process child;

    @AfterEach
    void kill() {
        if (child != null) child.destroyForcibly();
    }

    private int startChild(Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // RocksDB unpacks its native library into the temp directory; a killed JVM leaves it there
        child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + dir, "-cp",
                System.getProperty("java.class.path"), "dev.cistern.iscsi.Launcher", dir.toString(), "0", CONTAINER,
                String.valueOf(64L << 20), "512").redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
        long deadline = System.currentTimeMillis() + 60_000;
        String line;
        StringBuilder log = new StringBuilder();
        while (System.currentTimeMillis() < deadline && (line = out.readLine()) != null) {
            log.append(line).append('\n');
            if (line.startsWith("READY ")) {
                Thread.ofVirtual().start(() -> out.lines().forEach(l -> { }));
                return Integer.parseInt(line.substring(6).trim());
            }
        }
        throw new AssertionError("launcher did not start:\n" + log);
    }

    private static byte[] prOutCdb(int sa, int type) {
        return new byte[]{0x5f, (byte) sa, (byte) type, 0, 0, 0, 0, 0, 24, 0};
    }

    @Test
    void syncedAndFuaDataAndReservationsSurviveKillMinus9(@TempDir Path dir) throws Exception {
        ExternalTools.require("qemu-io", "qemu-utils");
        int port = startChild(dir);
        String url = "iscsi://127.0.0.1:" + port + "/" + IQN + "/0";
        var w = run(60, "qemu-io", "-c", "write -P 0x77 0 1M", "-c", "flush", "-c", "write -f -P 0x66 2M 64k", url);
        assertThat(w.exit()).as(w.output()).isZero();
        try (TestInitiator t = new TestInitiator(port)) {
            assertThat(t.login("iqn.2026-11.test:cluster-node", IQN, new byte[]{0x40, 0, 0, 0, 0, 5})).isZero();
            byte[] p = new byte[24];
            Bytes.putLong(p, 8, 0xC157E12L);
            assertThat(t.command(0, prOutCdb(0, 0), p, 0).status()).isZero(); // REGISTER
            Bytes.putLong(p, 0, 0xC157E12L);
            Bytes.putLong(p, 8, 0);
            assertThat(t.command(0, prOutCdb(1, 1), p, 0).status()).isZero(); // RESERVE, write exclusive
        }
        child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        port = startChild(dir);
        url = "iscsi://127.0.0.1:" + port + "/" + IQN + "/0";
        var r = run(60, "qemu-io", "-c", "read -P 0x77 0 1M", "-c", "read -P 0x66 2M 64k", url);
        assertThat(r.output()).doesNotContain("Pattern verification failed").contains("read 65536/65536");
        try (TestInitiator t = new TestInitiator(port)) {
            assertThat(t.login("iqn.2026-11.test:other-node", IQN, new byte[]{0x40, 0, 0, 0, 0, 6})).isZero();
            byte[] readRes = {0x5e, 1, 0, 0, 0, 0, 0, 0, 64, 0};
            var res = t.command(0, readRes, null, 64);
            assertThat(res.status()).isZero();
            assertThat(Bytes.u64(res.data(), 8)).isEqualTo(0xC157E12L);
            assertThat(res.data()[21]).isEqualTo((byte) 1);
            byte[] write10 = {0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0};
            assertThat(t.command(0, write10, new byte[512], 0).status()).isEqualTo(0x18); // conflict
        }
    }

    @Test
    void unmapAndWriteSameAcknowledgedWithTheWriteCacheOffSurviveKillMinus9(@TempDir Path dir) throws Exception {
        int port = startChild(dir);
        byte[] pattern = new byte[64 * 512];
        java.util.Arrays.fill(pattern, (byte) 0x77);
        try (TestInitiator t = new TestInitiator(port)) {
            assertThat(t.login("iqn.2026-11.test:wce-off", IQN, new byte[]{0x40, 0, 0, 0, 0, 7})).isZero();
            byte[] caching = new byte[4 + 20]; // MODE SELECT(6): header, caching page with WCE=0
            caching[4] = 0x08;
            caching[5] = 0x12;
            assertThat(t.command(0, new byte[]{0x15, 0x10, 0, 0, (byte) caching.length, 0}, caching, 0).status())
                    .isZero();
            byte[] write10 = {0x2a, 0, 0, 0, 0, 0, 0, 0, 64, 0};
            assertThat(t.command(0, write10, pattern, 0).status()).isZero(); // durable: the write cache is off
            byte[] write10b = {0x2a, 0, 0, 0, 0, 64, 0, 0, 64, 0};
            assertThat(t.command(0, write10b, pattern, 0).status()).isZero();
            byte[] writeSame = {0x41, 0, 0, 0, 0, 0, 0, 0, 64, 0}; // zeros over LBA 0-63
            assertThat(t.command(0, writeSame, new byte[512], 0).status()).isZero();
            byte[] unmapList = new byte[24];
            Bytes.putShort(unmapList, 0, 22);
            Bytes.putShort(unmapList, 2, 16);
            Bytes.putLong(unmapList, 8, 64);
            Bytes.putInt(unmapList, 16, 64);
            assertThat(t.command(0, new byte[]{0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0}, unmapList, 0).status()).isZero();
        }
        child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        port = startChild(dir);
        try (TestInitiator t = new TestInitiator(port)) {
            assertThat(t.login("iqn.2026-11.test:wce-off", IQN, new byte[]{0x40, 0, 0, 0, 0, 8})).isZero();
            byte[] read10 = {0x28, 0, 0, 0, 0, 0, 0, 0, (byte) 128, 0};
            var r = t.command(0, read10, null, 128 * 512);
            assertThat(r.status()).isZero();
            assertThat(r.data()).as("blocks zeroed by WRITE SAME and UNMAP while WCE=0").containsOnly(0);
        }
    }

    @Test
    void aSanitizeAnsweredGoodSurvivesKillMinus9WithTheWriteCacheOn(@TempDir Path dir) throws Exception {
        int port = startChild(dir);
        byte[] pattern = new byte[64 * 512];
        java.util.Arrays.fill(pattern, (byte) 0x61);
        try (TestInitiator t = new TestInitiator(port)) {
            assertThat(t.login("iqn.2026-11.test:sanitize", IQN, new byte[]{0x40, 0, 0, 0, 0, 9})).isZero();
            byte[] write10 = {0x2a, 0, 0, 0, 0, 0, 0, 0, 64, 0};
            assertThat(t.command(0, write10, pattern, 0).status()).isZero();
            assertThat(t.command(0, new byte[]{0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0}, null, 0).status()).isZero();
            byte[] blockErase = {0x48, 0x02, 0, 0, 0, 0, 0, 0, 0, 0}; // no SYNCHRONIZE CACHE after it
            assertThat(t.command(0, blockErase, null, 0).status()).isZero();
        }
        child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        port = startChild(dir);
        try (TestInitiator t = new TestInitiator(port)) {
            assertThat(t.login("iqn.2026-11.test:sanitize", IQN, new byte[]{0x40, 0, 0, 0, 0, 10})).isZero();
            byte[] read10 = {0x28, 0, 0, 0, 0, 0, 0, 0, 64, 0};
            var r = t.command(0, read10, null, 64 * 512);
            assertThat(r.status()).isZero();
            assertThat(r.data()).as("blocks erased by a SANITIZE answered GOOD").containsOnly(0);
        }
    }
}
