package dev.cistern.iscsi.e2e;

import dev.cistern.iscsi.ChapCredentials;
import dev.cistern.iscsi.IscsiTarget;
import dev.cistern.iscsi.SessionInfo;
import dev.cistern.iscsi.testing.ExternalTools;
import dev.cistern.iscsi.testing.MemoryTargets;
import dev.cistern.iscsi.testing.TestInitiator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static dev.cistern.iscsi.testing.ExternalTools.run;
import static org.assertj.core.api.Assertions.assertThat;

/** The target driven by real initiators: libiscsi's tools and qemu's iSCSI block driver. */
class ClientToolsEndToEndTest {
    private static final String PLAIN = "iqn.2026-11.dev.cistern:plain";
    private static final String SECURE = "iqn.2026-11.dev.cistern:secure";
    private static final String LISTED = "iqn.2026-11.dev.cistern:listed";
    private static final String ALLOWED_INITIATOR = "iqn.2026-11.dev.cistern.test:allowed";
    private static IscsiTarget target;
    private static int port;

    @BeforeAll
    static void start() {
        ExternalTools.require("iscsi-inq", "libiscsi-bin");
        ExternalTools.require("iscsi-ls", "libiscsi-bin");
        ExternalTools.require("qemu-img", "qemu-utils");
        ExternalTools.require("qemu-io", "qemu-utils");
        target = MemoryTargets.start(
                MemoryTargets.definition(PLAIN, 2, 256L << 20, null, null, Set.of()),
                MemoryTargets.definition(SECURE, 1, 64L << 20, new ChapCredentials("alice", "correct-horse-battery"),
                        null, Set.of()),
                MemoryTargets.definition(LISTED, 1, 64L << 20, null, null, Set.of(ALLOWED_INITIATOR)));
        port = target.port();
    }

    @AfterAll
    static void stop() {
        if (target != null) target.stop();
    }

    private static String url(String iqn, int lun) {
        return "iscsi://127.0.0.1:" + port + "/" + iqn + "/" + lun;
    }

    @Test
    void discoveryAndInquiryWithLibiscsi() throws Exception {
        var ls = run(30, "iscsi-ls", "iscsi://127.0.0.1:" + port);
        assertThat(ls.exit()).as(ls.output()).isZero();
        assertThat(ls.output()).contains(PLAIN).contains(SECURE);
        var inq = run(30, "iscsi-inq", url(PLAIN, 0));
        assertThat(inq.exit()).as(inq.output()).isZero();
        assertThat(inq.output()).contains("Vendor:CISTERN").contains("DIRECT_ACCESS");
    }

    @Test
    void qemuIoPatternWritesReadBackWithHeaderDigest() throws Exception {
        String opts = "driver=iscsi,transport=tcp,portal=127.0.0.1:" + port + ",target=" + PLAIN
                + ",lun=1,header-digest=crc32c";
        var w = run(60, "qemu-io", "--image-opts", opts, "-c", "write -P 0xa5 0 1M", "-c", "write -P 0x3c 4M 256k",
                "-c", "flush", "-c", "read -P 0xa5 0 1M", "-c", "read -P 0x3c 4M 256k", "-c", "read -P 0 2M 64k");
        assertThat(w.exit()).as(w.output()).isZero();
        assertThat(w.output()).doesNotContain("Pattern verification failed").contains("read 65536/65536");
    }

    @Test
    void qemuImgConvertRoundTripIsBitExact(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src.img");
        byte[] chunk = new byte[1 << 20];
        Random rnd = new Random(42);
        try (var out = Files.newOutputStream(src)) {
            for (int i = 0; i < 256; i++) {
                if (i % 4 == 3) java.util.Arrays.fill(chunk, (byte) 0); // some holes for the thin path
                else rnd.nextBytes(chunk);
                out.write(chunk);
            }
        }
        var in = run(180, "qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", src.toString(), url(PLAIN, 0));
        assertThat(in.exit()).as(in.output()).isZero();
        Path back = dir.resolve("back.img");
        var out = run(180, "qemu-img", "convert", "-f", "raw", "-O", "raw", url(PLAIN, 0), back.toString());
        assertThat(out.exit()).as(out.output()).isZero();
        assertThat(sha256(back)).isEqualTo(sha256(src));
    }

    @Test
    void chapRightSecretLogsInAndWrongSecretIsRefused() throws Exception {
        var good = run(30, "iscsi-inq", "iscsi://alice%correct-horse-battery@127.0.0.1:" + port + "/" + SECURE + "/0");
        assertThat(good.exit()).as(good.output()).isZero();
        var bad = run(30, "iscsi-inq", "iscsi://alice%wrong-secret-123@127.0.0.1:" + port + "/" + SECURE + "/0");
        assertThat(bad.exit()).isNotZero();
        var none = run(30, "iscsi-inq", url(SECURE, 0));
        assertThat(none.exit()).isNotZero();
    }

    @Test
    void unknownInitiatorIsRefused() throws Exception {
        var other = run(30, "iscsi-inq", "-i", "iqn.2026-11.dev.cistern.test:intruder", url(LISTED, 0));
        assertThat(other.exit()).isNotZero();
        var allowed = run(30, "iscsi-inq", "-i", ALLOWED_INITIATOR, url(LISTED, 0));
        assertThat(allowed.exit()).as(allowed.output()).isZero();
    }

    @Test
    void twoConcurrentSessionsWriteDifferentLuns() throws Exception {
        CompletableFuture<ExternalTools.Result> a = CompletableFuture.supplyAsync(() -> qemuIo(0, "0x11"));
        CompletableFuture<ExternalTools.Result> b = CompletableFuture.supplyAsync(() -> qemuIo(1, "0x22"));
        for (var r : new ExternalTools.Result[]{a.get(), b.get()}) {
            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(r.output()).doesNotContain("Pattern verification failed");
        }
        var check = run(60, "qemu-io", "-c", "read -P 0x11 8M 4M", url(PLAIN, 0));
        assertThat(check.output()).doesNotContain("Pattern verification failed").contains("read 4194304/4194304");
    }

    private static ExternalTools.Result qemuIo(int lun, String pattern) {
        try {
            return run(120, "qemu-io", "-c", "write -P " + pattern + " 8M 4M", "-c", "read -P " + pattern + " 8M 4M",
                    url(PLAIN, lun));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void sessionsAreListedWithInitiatorAndIsid() throws Exception {
        try (TestInitiator i = new TestInitiator(port)) {
            assertThat(i.login("iqn.2026-11.dev.cistern.test:lister", PLAIN, new byte[]{0x40, 0, 0, 0, 0, 9})).isZero();
            SessionInfo s = target.sessions().stream()
                    .filter(x -> x.initiatorIqn().equals("iqn.2026-11.dev.cistern.test:lister")).findFirst().orElseThrow();
            assertThat(s.targetIqn()).isEqualTo(PLAIN);
            assertThat(s.isid()).isEqualTo("400000000009");
            assertThat(s.tsih()).isPositive();
            assertThat(target.healthy()).isTrue();
        }
    }

    private static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
