package dev.cistern.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cistern.iscsi.scsi.Sense;
import dev.cistern.iscsi.testing.TestInitiator;
import dev.cistern.server.frontend.IscsiFrontEnd;
import dev.cistern.server.frontend.S3FrontEnd;
import dev.cistern.engine.testing.SmallDisk;
import dev.cistern.server.mgmt.MgmtSettings;
import dev.cistern.server.service.ServiceStartException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The whole server (real engine, REST, S3, iSCSI disk and tape, monitor, health, watcher; not the log files,
 * which only {@code cistern serve} sets up) with its data directory on a small tmpfs (mounted by the test: it
 * needs root, as in CI), written full through S3 and iSCSI, then made completely full by another program: every
 * front end answers with its protocol's error, config changes are refused and leave the config files as they
 * were, the server stays up, restarts nothing and alerts, everything acknowledged reads back, and once the admin
 * frees space and cleans, writes work again without a restart; a restart on the full disk loses nothing.
 */
class DiskFullServerTest {
    private static final int BLOCK = 4096;
    private static final int OBJECT = 8 << 20;
    private static final int TAPE_BLOCK = 64 << 10;
    private static final int TAPE_BLOCKS = 4;

    @TempDir
    Path tmp;

    private final Map<String, byte[]> objects = new LinkedHashMap<>();
    private final Map<Integer, byte[]> blocks = new LinkedHashMap<>();
    /** What the server accepted on the full disk: it must be there after the restart. */
    private final List<String> kept = new ArrayList<>();
    private int s3Port;
    private int iscsiPort;
    private String keyId;
    private String secret;

    @Test
    void everyFrontEndRefusesCleanlyAndWritesResumeAfterAClean() throws Exception {
        try (SmallDisk disk = new SmallDisk(tmp.resolve("small"), 256)) {
            Path data = disk.root.resolve("data");
            s3Port = freePort();
            iscsiPort = freePort();
            try (TestServer t = start(data)) {
                String admin = t.login("admin");
                assertThat(t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":\"grp\",\"compression\":\"none\"}").status())
                        .isEqualTo(201);
                assertThat(t.send("POST", "/api/v1/containers", admin,
                        "{\"name\":\"bkt\",\"storageGroup\":\"grp\",\"protocol\":\"s3\"}").status()).isEqualTo(201);
                TestServer.Reply lun = t.send("POST", "/api/v1/containers", admin,
                        "{\"name\":\"vmdisk\",\"storageGroup\":\"grp\",\"protocol\":\"iscsi\",\"lun\":{\"size\":\"64M\",\"blockSize\":4096}}");
                assertThat(lun.status()).as(lun.text()).isEqualTo(201);
                TestServer.Reply vault = t.send("POST", "/api/v1/storage-groups", admin,
                        "{\"name\":\"vault\",\"passphrase\":\"vault-passphrase-1\"}");
                assertThat(vault.status()).as(vault.text()).isEqualTo(201);
                TestServer.Reply lib = t.send("POST", "/api/v1/containers", admin,
                        "{\"name\":\"tapelib\",\"storageGroup\":\"grp\",\"protocol\":\"vtl\",\"properties\":{\"vtl.drives\":\"1\",\"vtl.slots\":\"4\"}}");
                assertThat(lib.status()).as(lib.text()).isEqualTo(201);
                assertThat(t.send("POST", "/api/v1/containers/tapelib/cartridges", admin, "{\"barcode\":\"CST001L5\"}").status())
                        .isEqualTo(201);
                TestServer.Reply load = t.send("POST", "/api/v1/containers/tapelib/cartridges/CST001L5/move", admin, "{\"to\":256}");
                assertThat(load.status()).as(load.text()).isEqualTo(200);
                TestServer.Reply key = t.send("POST", "/api/v1/s3-keys", admin, "{\"user\":\"admin\"}");
                keyId = key.json().get("accessKeyId").asText();
                secret = key.json().get("secretKey").asText();

                try (S3Client s3 = s3(); TestInitiator disk0 = iscsi(); TestInitiator drive = tapeDrive()) {
                    for (int lba = 0; lba < 64; lba += 2) assertThat(write(disk0, lba, twoBlocks(lba)).status()).isZero();
                    for (int i = 0; i < TAPE_BLOCKS; i++) assertThat(tapeWrite(drive, tapeBlock(i)).status()).isZero();
                    assertThat(filemark(drive).status()).as("WRITE FILEMARKS: the blocks before are durable").isZero();

                    // the engine refuses before the file system is full, keeping room for its metadata
                    S3Exception refused = fillThroughS3(s3);
                    assertThat(objects).as(refused.getMessage()).isNotEmpty();
                    assertRefusedForSpace(refused);
                    assertSpaceAllocationFailed(write(disk0, 4000, twoBlocks(4000)));
                    // a tape drive buffers: the refusal comes with the WRITE or, deferred, with the filemark after it
                    TestInitiator.Result tw = tapeWrite(drive, tapeBlock(100));
                    assertSpaceAllocationFailed(tw.status() != 0 ? tw : filemark(drive));
                    awaitDiskFullAlert(t, admin);
                    readEverythingBack(s3, disk0);

                    // now another program takes the rest: every write of the server meets ENOSPC
                    byte[] config = Files.readAllBytes(t.server.layout().configFile());
                    byte[] known = Files.readAllBytes(t.server.layout().knownLoginsFile());
                    Path filler = disk.fill(0);
                    assertThat(disk.freeBytes()).isLessThan(1 << 20);
                    assertRefusedForSpace(putExpectingRefusal(s3, "late"));
                    assertSpaceAllocationFailed(write(disk0, 4002, twoBlocks(4002)));
                    assertConfigChangeRefused(t.send("POST", "/api/v1/users", admin,
                            "{\"name\":\"carol\",\"role\":\"monitor\",\"password\":\"password-carol\"}"));
                    // the engine's metadata may still take these (RocksDB's log keeps room ahead): done or refused, never half
                    refusedOrKept(t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":\"grp2\"}"), "/api/v1/storage-groups/grp2");
                    refusedOrKept(t.send("POST", "/api/v1/containers", admin,
                            "{\"name\":\"bkt2\",\"storageGroup\":\"grp\",\"protocol\":\"s3\"}"), "/api/v1/containers/bkt2");
                    assertThat(Files.readAllBytes(t.server.layout().configFile())).isEqualTo(config);
                    assertThat(Files.readAllBytes(t.server.layout().knownLoginsFile())).isEqualTo(known);
                    assertThat(t.get("/api/v1/users/carol", admin).status()).isEqualTo(404);
                    for (String p : kept) assertThat(t.get(p, admin).status()).as(p).isEqualTo(200);

                    // RocksDB's log had room set aside; once a flush has rolled it (here: a passphrase change
                    // purging the old key) and the disk is full again, a metadata write may fail, after which
                    // RocksDB refuses every write until it has recovered from the error by itself (whether it
                    // comes to that depends on RocksDB's preallocation: DiskFullTest makes it certain)
                    TestServer.Reply rekey = t.send("POST", "/api/v1/storage-groups/vault/passphrase", admin,
                            "{\"oldPassphrase\":\"vault-passphrase-1\",\"newPassphrase\":\"vault-passphrase-2\"}");
                    assertThat(rekey.status()).as(rekey.text()).isIn(200, 204, 507);
                    Path filler2 = disk.fill(0);
                    for (int i = 0; i < 20; i++) {
                        refusedOrKept(t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":\"more" + i + "\"}"),
                                "/api/v1/storage-groups/more" + i);
                    }
                    Thread.sleep(1500); // a few monitor samples, health checks and watcher rounds on the full disk
                    assertServerUp(t, admin);
                    awaitDiskFullAlert(t, admin);
                    readEverythingBack(s3, disk0);

                    // the admin frees space and cleans: writes work again, without a restart
                    Files.delete(filler2);
                    Files.delete(filler);
                    awaitEngineUp(t, admin); // RocksDB resumes writes by itself, within seconds
                    List<String> names = new ArrayList<>(objects.keySet());
                    for (String name : names.subList(0, names.size() / 2)) {
                        s3.deleteObject(b -> b.bucket("bkt").key(name));
                        objects.remove(name);
                    }
                    TestServer.Reply clean = t.send("POST", "/api/v1/clean", admin, "{\"full\":true}");
                    assertThat(clean.status()).as(clean.text()).isEqualTo(202);
                    JsonNode job = t.awaitJob(clean.json().get("id").asLong(), admin);
                    assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("succeeded");
                    put(s3, "after-clean", random(7777));
                    byte[] again = twoBlocks(4004);
                    assertThat(write(disk0, 4004, again).status()).isZero();
                    blocks.put(4004, again);
                    TestServer.Reply user = t.send("POST", "/api/v1/users", admin,
                            "{\"name\":\"carol\",\"role\":\"monitor\",\"password\":\"password-carol\"}");
                    assertThat(user.status()).as(user.text()).isEqualTo(201);
                    // the drive went back to its last durable point (the filemark) and writes on from there
                    assertThat(tapeWrite(drive, tapeBlock(101)).status()).isZero();
                    assertThat(filemark(drive).status()).isZero();
                    assertThat(drive.command(1, new byte[] {0x01, 0, 0, 0, 0, 0}, null, 0).status()).as("REWIND").isZero();
                    for (int i = 0; i < TAPE_BLOCKS; i++) {
                        assertThat(tapeRead(drive).data()).as("tape block " + i).isEqualTo(tapeBlock(i));
                    }
                    assertThat(tapeRead(drive).status()).as("the filemark").isEqualTo(2);
                    assertThat(tapeRead(drive).data()).isEqualTo(tapeBlock(101));
                    readEverythingBack(s3, disk0);
                }
            }

            // a restart on a disk full to the engine's reserve comes up, loses nothing and still refuses new data
            Path filler = disk.fill(32 << 20);
            try (TestServer t = start(data); S3Client s3 = s3(); TestInitiator disk0 = iscsi()) {
                String admin = t.login("admin");
                assertServerUp(t, admin);
                readEverythingBack(s3, disk0);
                assertRefusedForSpace(putExpectingRefusal(s3, "after-restart"));
                assertSpaceAllocationFailed(write(disk0, 4006, twoBlocks(4006)));
                awaitDiskFullAlert(t, admin);
                assertThat(t.get("/api/v1/users/carol", admin).status()).isEqualTo(200);
                for (String p : kept) assertThat(t.get(p, admin).status()).as(p).isEqualTo(200);
            }
            // on a disk with no byte free the metadata store cannot open: the server refuses in one line that says
            // why, and changes nothing, so it comes up with everything once there is room
            Path rest = disk.fill(0);
            try (TestServer t = start(data)) {
                String admin = t.login("admin");
                assertServerUp(t, admin);
            } catch (ServiceStartException e) {
                assertThat(e.getMessage()).doesNotContain("\n").contains("disk is full").contains("free space");
            }
            Files.delete(rest);
            Files.delete(filler);
            try (TestServer t = start(data); S3Client s3 = s3(); TestInitiator disk0 = iscsi()) {
                assertServerUp(t, t.login("admin"));
                readEverythingBack(s3, disk0);
            }
        }
    }

    private TestServer start(Path data) {
        ServerSettings d = ServerSettings.forTests(data);
        ServerSettings settings = new ServerSettings(d.dataDir(), d.bindAddress(), 0, Map.of("s3", s3Port, "iscsi", iscsiPort),
                d.passwordIterations(), d.cleanHour(), d.watchInterval(), d.backoff(), d.clock());
        return new TestServer(settings, MgmtSettings.forTests(), ServeCommand::openEngine,
                List.of(new IscsiFrontEnd(), new S3FrontEnd()));
    }

    private S3Client s3() {
        return S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + s3Port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret)))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build();
    }

    private TestInitiator iscsi() throws Exception {
        TestInitiator ini = new TestInitiator(iscsiPort);
        assertThat(ini.login("iqn.2026-12.test:full", "iqn.2026-11.dev.cistern:vmdisk", new byte[] {0x40, 0, 0, 0, 0, 1})).isZero();
        return ini;
    }

    /** The library's drive (LUN 1, the changer is LUN 0), past the unit attentions of a new session. */
    private TestInitiator tapeDrive() throws Exception {
        TestInitiator ini = new TestInitiator(iscsiPort);
        assertThat(ini.login("iqn.2026-12.test:tape", "iqn.2026-11.dev.cistern:tapelib", new byte[] {0x40, 0, 0, 0, 0, 2})).isZero();
        for (int i = 0; i < 5 && ini.command(1, new byte[6], null, 0).status() != 0; i++) {
            // TEST UNIT READY until the unit attentions (power on, medium loaded) are reported
        }
        assertThat(ini.command(1, new byte[6], null, 0).status()).as("TEST UNIT READY").isZero();
        return ini;
    }

    /** WRITE(6) of one variable-length block. */
    private static TestInitiator.Result tapeWrite(TestInitiator drive, byte[] block) throws Exception {
        return drive.command(1, new byte[] {0x0a, 0, (byte) (block.length >> 16), (byte) (block.length >> 8), (byte) block.length, 0},
                block, 0);
    }

    /** READ(6) of one variable-length block of up to a tape block's size. */
    private static TestInitiator.Result tapeRead(TestInitiator drive) throws Exception {
        int n = TAPE_BLOCK;
        return drive.command(1, new byte[] {0x08, 0, (byte) (n >> 16), (byte) (n >> 8), (byte) n, 0}, null, n);
    }

    /** WRITE FILEMARKS(6) of one filemark, not immediate: answered once what was written before is durable. */
    private static TestInitiator.Result filemark(TestInitiator drive) throws Exception {
        return drive.command(1, new byte[] {0x10, 0, 0, 0, 1, 0}, null, 0);
    }

    private static byte[] tapeBlock(int i) {
        return random(1_000_000 + i, TAPE_BLOCK);
    }

    private S3Exception fillThroughS3(S3Client s3) {
        for (int i = 0; i < 64; i++) {
            String name = "o" + i;
            try {
                put(s3, name, random(i));
            } catch (S3Exception e) {
                return e;
            }
        }
        throw new AssertionError("64 objects of 8 MiB fitted on a 256 MiB disk");
    }

    private void put(S3Client s3, String name, byte[] content) {
        s3.putObject(b -> b.bucket("bkt").key(name), RequestBody.fromBytes(content));
        objects.put(name, content);
    }

    private S3Exception putExpectingRefusal(S3Client s3, String name) {
        try {
            s3.putObject(b -> b.bucket("bkt").key(name), RequestBody.fromBytes(random(name.hashCode())));
        } catch (S3Exception e) {
            return e;
        }
        throw new AssertionError("PUT of " + name + " succeeded on a full disk");
    }

    private static void assertRefusedForSpace(S3Exception e) {
        assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(507);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InsufficientStorage");
        assertThat(e.awsErrorDetails().errorMessage()).contains("out of disk space");
    }

    private static void assertSpaceAllocationFailed(TestInitiator.Result r) {
        assertThat(r.status()).as("CHECK CONDITION").isEqualTo(2);
        assertThat(r.senseKey()).isEqualTo(Sense.DATA_PROTECT);
        assertThat(r.asc()).isEqualTo(0x27);
        assertThat(r.sense()[13] & 0xff).as("ASCQ: SPACE ALLOCATION FAILED WRITE PROTECT").isEqualTo(0x07);
    }

    private static void assertConfigChangeRefused(TestServer.Reply r) {
        assertThat(r.status()).as(r.text()).isEqualTo(507);
        assertThat(r.error()).as(r.text()).containsAnyOf("full", "No space left on device");
    }

    private void refusedOrKept(TestServer.Reply r, String path) {
        if (r.status() == 201) {
            kept.add(path);
        } else {
            assertConfigChangeRefused(r);
        }
    }

    /** Every service running and none restarted: a full disk is no reason to restart anything. */
    private static void assertServerUp(TestServer t, String admin) {
        TestServer.Reply system = t.get("/api/v1/system", admin);
        assertThat(system.status()).as(system.text()).isEqualTo(200);
        for (JsonNode s : system.json().get("services")) {
            assertThat(s.get("state").asText()).as(s.toString()).isEqualTo("running");
            assertThat(s.get("restarts").asInt()).as(s.toString()).isZero();
        }
    }

    private static void awaitEngineUp(TestServer t, String admin) throws InterruptedException {
        String seen = "";
        for (int i = 0; i < 150; i++) {
            for (JsonNode s : t.get("/api/v1/system", admin).json().get("services")) {
                if (s.get("name").asText().equals("engine")) {
                    // "low space" stays (a small disk), the metadata store's "disk full" goes
                    if (!s.get("message").asText().contains("disk full")) return;
                    seen = s.toString();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the engine did not resume writes within 15 s of space freed: " + seen);
    }

    private static void awaitDiskFullAlert(TestServer t, String admin) throws InterruptedException {
        String seen = "";
        for (int i = 0; i < 50; i++) {
            TestServer.Reply alerts = t.get("/api/v1/alerts", admin);
            seen = alerts.text();
            for (JsonNode a : alerts.json()) {
                if (a.get("severity").asText().equals("critical") && a.get("message").asText().contains("full")) return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no critical alert about the full disk; open alerts: " + seen);
    }

    private void readEverythingBack(S3Client s3, TestInitiator disk0) throws Exception {
        for (var o : objects.entrySet()) {
            assertThat(s3.getObjectAsBytes(b -> b.bucket("bkt").key(o.getKey())).asByteArray()).as(o.getKey()).isEqualTo(o.getValue());
        }
        for (var b : blocks.entrySet()) {
            TestInitiator.Result r = disk0.command(0, rw(0x28, b.getKey(), 0), null, 2 * BLOCK);
            assertThat(r.status()).isZero();
            assertThat(r.data()).as("LBA " + b.getKey()).isEqualTo(b.getValue());
        }
    }

    /** WRITE(10) with FUA of two blocks at {@code lba}: answered only once durable. */
    private TestInitiator.Result write(TestInitiator ini, int lba, byte[] two) throws Exception {
        TestInitiator.Result r = ini.command(0, rw(0x2a, lba, 0x08), two, 0);
        if (r.status() == 0) blocks.put(lba, two);
        return r;
    }

    private static byte[] rw(int opcode, int lba, int flags) {
        byte[] cdb = new byte[10];
        cdb[0] = (byte) opcode;
        cdb[1] = (byte) flags;
        ByteBuffer.wrap(cdb).putInt(2, lba).putShort(7, (short) 2);
        return cdb;
    }

    private static byte[] random(int seed) {
        return random(seed, OBJECT);
    }

    private static byte[] twoBlocks(int lba) {
        return random(-1 - lba, 2 * BLOCK);
    }

    private static byte[] random(int seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
