package dev.cistern.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.Progress;
import dev.cistern.server.CisternServer;
import dev.cistern.server.ServeCommand;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.config.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI, run in-process, against a live server with the real engine over HTTPS. */
class CliEndToEndTest {
    @TempDir
    Path dir;
    CisternServer server;
    Path config;
    Map<String, String> env;

    @BeforeEach
    void start() {
        server = startServer(dir.resolve("data"), 0);
        config = dir.resolve("cli-config");
        env = Map.of("CISTERN_SERVER", "https://127.0.0.1:" + server.httpPort());
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    static CisternServer startServer(Path data, int port) {
        return startServer(data, port, ServeCommand::openEngine);
    }

    static CisternServer startServer(Path data, int port, Function<Path, Engine> opener) {
        CisternServer s = CisternServer.start(ServerSettings.forTests(data).withHttpPort(port), opener, List.of());
        if (!s.config().hasUsers()) {
            for (Role r : Role.values()) s.config().addUser(r.wireName(), r, ("password-" + r.wireName()).toCharArray());
        }
        return s;
    }

    CliRun cli(String... args) {
        return CliRun.run(config, env, "", args);
    }

    CliRun cliWithStdin(String stdin, String... args) {
        return CliRun.run(config, env, stdin, args);
    }

    void login(String user) {
        CliRun r = cliWithStdin("password-" + user + "\n", "login", "--user", user, "--password-stdin");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Logged in to " + env.get("CISTERN_SERVER") + " as " + user + " (" + user + ")");
    }

    @Test
    void loginPinsTheCertificateAndSavesTheTokenBesideIt() throws Exception {
        CliRun r = cliWithStdin("password-admin\n", "login", "--user", "admin", "--password-stdin");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains("trusting the certificate").contains(server.tls().fingerprint());
        String saved = Files.readString(config.resolve("servers.json"));
        assertThat(saved).contains(server.tls().fingerprint()).contains("cst_").doesNotContain("password-admin");
        CliRun again = cli("system", "show");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.err()).isEmpty();
        assertThat(again.out()).contains("Certificate SHA-256: " + server.tls().fingerprint())
                .containsPattern("engine +running +up").containsPattern("http +running +up");
    }

    @Test
    void storageGroupsAndContainersAsTablesAndJson() throws Exception {
        login("operator");
        CliRun add = cli("storage-group", "add", "backups", "--compression", "best", "--quota", "100G", "--chunking", "4K/16K/128K");
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(add.out()).contains("Quota:       100 GiB").contains("Compression: best").contains("4.0 KiB/16.0 KiB/128 KiB");

        CliRun list = cli("storage-group", "list");
        assertThat(list.out().lines().toList().getFirst()).matches("NAME +COMPRESSION +QUOTA +ENCRYPTION +CHUNKING +IDS +CREATED");
        assertThat(list.out()).containsPattern("backups +best +100 GiB +none +4.0 KiB/16.0 KiB/128 KiB +sha256 ");

        CliRun set = cli("storage-group", "set", "backups", "--quota", "2T");
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).contains("Quota:       2.0 TiB");

        CliRun json = cli("storage-group", "list", "--json");
        JsonNode groups = new ObjectMapper().readTree(json.out());
        assertThat(groups.get(0).get("quotaBytes").asLong()).isEqualTo(2L << 40);

        CliRun ct = cli("container", "add", "tapes", "--storage-group", "backups", "--protocol", "vtl",
                "--property", "drives=2", "--property", "slots=24");
        assertThat(ct.exit()).as(ct.err()).isZero();
        assertThat(cli("container", "list", "-g", "backups").out()).containsPattern("tapes +backups +vtl +drives=2,slots=24");
        CliRun setProps = cli("container", "set", "tapes", "--property", "drives=4");
        assertThat(setProps.exit()).as(setProps.err()).isZero();
        // the library's layout (vtl.*) is fixed at creation: a set that leaves it out keeps it
        assertThat(setProps.out()).contains("Properties:    drives=4,vtl.drive-model=TD5,vtl.drives=2,vtl.mailslots=4,vtl.slots=40\n");
        CliRun show = cli("container", "show", "tapes");
        assertThat(show.out()).contains("Storage group: backups").contains("Dedup ratio:");
        CliRun stats = cli("stats");
        assertThat(stats.exit()).isZero();
        assertThat(stats.out()).contains("Savings:").containsPattern("backups +0 B +0 B +1.00x");
        assertThat(new ObjectMapper().readTree(cli("stats", "--container", "tapes", "--json").out()).has("chunkCount")).isTrue();
        // show --json carries what the table shows: the object as the API sends it, and the stats under "stats"
        JsonNode groupJson = new ObjectMapper().readTree(cli("storage-group", "show", "backups", "--json").out());
        assertThat(groupJson.get("name").asText()).isEqualTo("backups");
        assertThat(groupJson.get("quotaBytes").asLong()).isEqualTo(2L << 40);
        assertThat(groupJson.path("stats").has("logicalBytes")).isTrue();
        assertThat(groupJson.path("stats").has("dedupRatio")).isTrue();
        JsonNode containerJson = new ObjectMapper().readTree(cli("container", "show", "tapes", "--json").out());
        assertThat(containerJson.path("stats").has("storedBytes")).isTrue();

        assertThat(cli("container", "delete", "tapes").out()).isEqualTo("Deleted container tapes\n");
        assertThat(cli("storage-group", "delete", "backups").exit()).isZero();
        assertThat(cli("storage-group", "list", "--json").out().trim()).isEqualTo("[ ]");
    }

    @Test
    void everyErrorIsOneLineAndANonZeroExit() {
        login("operator");
        assertThat(cli("storage-group", "add", "dup").exit()).isZero();

        CliRun dup = cli("storage-group", "add", "dup", "--compression", "none");
        assertThat(dup.exit()).isEqualTo(1);
        assertThat(dup.errLines()).containsExactly("cistern: storage group 'dup' already exists [HTTP 409]");
        assertThat(cli("storage-group", "show", "dup").out()).contains("Compression: fast").containsPattern("Chunk ids: +sha256\n");

        CliRun badFlag = cli("storage-group", "add", "x1", "--colour", "red");
        assertThat(badFlag.exit()).isEqualTo(2);
        assertThat(badFlag.errLines()).hasSize(1);
        assertThat(badFlag.err()).startsWith("cistern: Unknown options: '--colour', 'red'");

        CliRun badSize = cli("storage-group", "add", "x2", "--quota", "lots");
        assertThat(badSize.exit()).isEqualTo(1);
        assertThat(badSize.errLines()).hasSize(1);
        assertThat(badSize.err()).startsWith("cistern: invalid quota 'lots'");

        CliRun missing = cli("container", "show", "nothing");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.errLines()).hasSize(1);
        assertThat(missing.err()).endsWith("[HTTP 404]\n");

        CliRun noCommand = cli();
        assertThat(noCommand.exit()).isEqualTo(2);
        assertThat(noCommand.errLines()).hasSize(1);

        Map<String, String> nowhere = Map.of("CISTERN_SERVER", "https://127.0.0.1:1", "CISTERN_USER", "admin",
                "CISTERN_PASSWORD", "password-admin");
        CliRun down = CliRun.run(config, nowhere, "", "--insecure", "stats");
        assertThat(down.exit()).isEqualTo(3);
        assertThat(down.errLines()).hasSize(1);
        assertThat(down.err()).startsWith("cistern: cannot connect to https://127.0.0.1:1");
    }

    @Test
    void monitorsAreRefusedWritesAndAnonymousUsersAreToldToLogIn() {
        CliRun anon = cli("--insecure", "stats");
        assertThat(anon.exit()).isEqualTo(1);
        assertThat(anon.errLines()).containsExactly("cistern: not logged in to " + env.get("CISTERN_SERVER")
                + ": run 'cistern login' or set CISTERN_USER and CISTERN_PASSWORD");

        login("monitor");
        CliRun w = cli("storage-group", "add", "nope");
        assertThat(w.exit()).isEqualTo(1);
        assertThat(w.errLines()).hasSize(1);
        assertThat(w.err()).contains("has role monitor").endsWith("[HTTP 403]\n");
        assertThat(cli("storage-group", "list").exit()).isZero();
    }

    @Test
    void credentialsFromTheEnvironmentWorkWithoutALogin() {
        Map<String, String> e = Map.of("CISTERN_SERVER", env.get("CISTERN_SERVER"), "CISTERN_USER", "admin",
                "CISTERN_PASSWORD", "password-admin");
        CliRun add = CliRun.run(config, e, "secret-pw-1\n", "user", "add", "bob", "--role", "monitor", "--password-stdin");
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(add.out()).isEqualTo("Created user bob (monitor)\n");
        CliRun list = CliRun.run(config, e, "", "user", "list");
        assertThat(list.out()).containsPattern("bob +monitor");
        CliRun pw = CliRun.run(config, e, "secret-pw-2\n", "user", "passwd", "bob", "--password-stdin");
        assertThat(pw.exit()).isZero();
        assertThat(server.config().checkPassword("bob", "secret-pw-2".toCharArray())).isTrue();
        // bob's own password: the current one first, then the new one; a wrong current one changes nothing
        Map<String, String> asBob = Map.of("CISTERN_SERVER", env.get("CISTERN_SERVER"), "CISTERN_USER", "bob",
                "CISTERN_PASSWORD", "secret-pw-2");
        CliRun wrong = CliRun.run(config, asBob, "not-my-pw-1\nsecret-pw-3\n", "user", "passwd", "bob", "--password-stdin");
        assertThat(wrong.exit()).isNotZero();
        assertThat(wrong.err()).contains("the current password is wrong").hasLineCount(1);
        CliRun own = CliRun.run(config, asBob, "secret-pw-2\nsecret-pw-3\n", "user", "passwd", "bob", "--password-stdin");
        assertThat(own.exit()).as(own.err()).isZero();
        assertThat(server.config().checkPassword("bob", "secret-pw-3".toCharArray())).isTrue();
        assertThat(CliRun.run(config, e, "", "user", "delete", "bob").exit()).isZero();
        assertThat(server.config().users()).extracting(u -> u.name()).doesNotContain("bob");
    }

    @Test
    void verifyAndCleanWaitForTheirJobs() throws Exception {
        login("admin");
        CliRun v = cli("verify");
        assertThat(v.exit()).as(v.err()).isZero();
        assertThat(v.out()).contains("Damaged chunks:").containsPattern("Verify job: +\\d+ succeeded");
        CliRun jobs = cli("job", "list");
        assertThat(jobs.out()).containsPattern("1 +verify +succeeded +100.0% +admin");
        // the report as verify prints it, not the API's field names
        assertThat(cli("job", "show", "1").out()).contains("State:").containsPattern("Damaged chunks: +0\n")
                .containsPattern("Took: +\\d+(\\.\\d)? m?s\n").doesNotContain("damagedChunks");
        CliRun c = cli("clean", "--json");
        assertThat(c.exit()).as(c.err()).isZero();
        JsonNode job = new ObjectMapper().readTree(c.out());
        assertThat(job.get("state").asText()).isEqualTo("succeeded");
        assertThat(job.get("kind").asText()).isEqualTo("clean");
        assertThat(job.at("/report/containersScanned").isNumber()).isTrue();
        assertThat(job.get("mode").asText()).isEqualTo("threshold");

        CliRun full = cli("clean", "--full");
        assertThat(full.exit()).as(full.err()).isZero();
        assertThat(full.out()).containsPattern("Clean job: +3 succeeded")
                .containsPattern("Mode: +full \\(every container with any dead record\\)");
        assertThat(cli("job", "show", "3").out()).containsPattern("Mode: +full").containsPattern("Space reclaimed: +")
                .doesNotContain("bytesReclaimed");
        assertThat(cli("job", "show", "2").out()).containsPattern("Mode: +threshold");
        assertThat(cli("job", "show", "1").out()).doesNotContain("Mode:");
    }

    /** The real engine, except that each clean waits for a permit first and then stops if it was cancelled. */
    static Engine holdingCleans(Engine real, Semaphore permits) {
        return (Engine) Proxy.newProxyInstance(Engine.class.getClassLoader(), new Class<?>[]{Engine.class}, (p, m, args) -> {
            if (m.getName().equals("clean")) {
                permits.acquire();
                if (((Progress) args[args.length - 1]).cancelled()) {
                    throw new EngineException(EngineException.Reason.CANCELLED, "clean cancelled before it began (held by the test)");
                }
            }
            try {
                return m.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @Test
    void aRunningJobIsCancelledByIdAndEndedOrUnknownOnesAreRefused() throws Exception {
        Semaphore cleans = new Semaphore(0);
        server.close();
        server = startServer(dir.resolve("held"), 0, p -> holdingCleans(ServeCommand.openEngine(p), cleans));
        env = Map.of("CISTERN_SERVER", "https://127.0.0.1:" + server.httpPort());
        try {
            login("operator");
            assertThat(cli("clean", "--no-wait").out()).isEqualTo("Started clean as job 1 (see 'cistern job show 1')\n");
            CliRun cancel = cli("job", "cancel", "1");
            assertThat(cancel.exit()).as(cancel.err()).isZero();
            assertThat(cancel.out()).isEqualTo("Cancelling clean job 1; it stops after the chunk container it is on"
                    + " (see 'cistern job show 1')\n");
            assertThat(cli("job", "list").out()).containsPattern("1 +clean +cancelling");
            cleans.release();
            assertThat(awaitEnd(1).get("state").asText()).isEqualTo("cancelled");
            assertThat(cli("job", "show", "1").out()).containsPattern("State: +cancelled")
                    .containsPattern("Cancelled by: +operator").containsPattern("Stopped: +clean cancelled before it began");

            // a clean the CLI is waiting for ends as one line and exit 1 when someone cancels it
            CompletableFuture<CliRun> waiting = CompletableFuture.supplyAsync(() -> cli("clean"));
            for (int i = 0; i < 200 && cli("job", "show", "2").exit() != 0; i++) Thread.sleep(25);
            assertThat(cli("job", "cancel", "2").exit()).isZero();
            cleans.release();
            CliRun waited = waiting.get(30, TimeUnit.SECONDS);
            assertThat(waited.exit()).isEqualTo(1);
            assertThat(waited.errLines()).containsExactly(
                    "cistern: clean job 2 was cancelled by operator: clean cancelled before it began (held by the test)");

            CliRun again = cli("job", "cancel", "1");
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.errLines()).hasSize(1);
            assertThat(again.err()).matches("cistern: job 1 \\(clean\\) already cancelled at \\S+; only a running job"
                    + " can be cancelled \\[HTTP 409\\]\n");
            CliRun unknown = cli("job", "cancel", "42");
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.errLines()).hasSize(1);
            assertThat(unknown.err()).startsWith("cistern: job 42 not found").endsWith("[HTTP 404]\n");
        } finally {
            cleans.release(100);
        }
    }

    private JsonNode awaitEnd(long id) throws Exception {
        JsonNode job = new ObjectMapper().readTree(cli("job", "show", String.valueOf(id), "--json").out());
        for (int i = 0; i < 200 && job.get("state").asText().equals("running"); i++) {
            Thread.sleep(25);
            job = new ObjectMapper().readTree(cli("job", "show", String.valueOf(id), "--json").out());
        }
        return job;
    }

    @Test
    void encryptedStorageGroupsUnlockAndChangePassphrase() {
        login("admin");
        CliRun add = cliWithStdin("correct horse\n", "storage-group", "add", "vault", "--encrypt", "--passphrase-stdin");
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(add.out()).containsPattern("Encryption: +(un)?locked").containsPattern("Chunk ids: +keyed-hmac-sha256\n");
        CliRun json = cli("storage-group", "show", "vault", "--json");
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"chunkIds\" : \"keyed-hmac-sha256\"");
        CliRun wrong = cliWithStdin("wrong horse\n", "storage-group", "unlock", "vault", "--passphrase-stdin");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).endsWith("[HTTP 403]\n");
        assertThat(cliWithStdin("correct horse\n", "storage-group", "unlock", "vault", "--passphrase-stdin").exit()).isZero();
        CliRun pw = cliWithStdin("correct horse\nbattery staple\n", "storage-group", "passwd", "vault", "--passphrase-stdin");
        assertThat(pw.exit()).as(pw.err()).isZero();
        assertThat(cliWithStdin("battery staple\n", "storage-group", "unlock", "vault", "--passphrase-stdin").exit()).isZero();
    }

    /** A CHAP secret comes from stdin (or the terminal), never the command line, and is never shown back. */
    @Test
    void aChapSecretIsReadFromStdinAndShownMasked() {
        login("admin");
        assertThat(cli("storage-group", "add", "chapgroup").exit()).isZero();
        CliRun weak = cliWithStdin("short\n", "container", "add", "lun-weak", "-g", "chapgroup", "-p", "iscsi",
                "--chap-user", "host1", "--chap-secret-stdin");
        assertThat(weak.exit()).isEqualTo(1);
        assertThat(weak.err()).contains("at least 12 bytes").contains("[HTTP 400]");
        CliRun add = cliWithStdin("twelve+chars\n", "container", "add", "lun-chap", "-g", "chapgroup", "-p", "iscsi",
                "--chap-user", "host1", "--chap-secret-stdin");
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(add.out()).contains("chap.secret=********").doesNotContain("twelve+chars");
        assertThat(cli("container", "show", "lun-chap", "--json").out()).doesNotContain("twelve+chars");
        assertThat(cli("container", "add", "lun-x", "-g", "chapgroup", "-p", "iscsi", "--chap-secret-stdin").exit()).isEqualTo(2);
    }

    /** An iscsi container's show names its target and LUNs (how an initiator reaches them), or how to add one. */
    @Test
    void anIscsiContainerShowsItsLuns() throws Exception {
        login("operator");
        assertThat(cli("storage-group", "add", "disks").exit()).isZero();
        assertThat(cli("container", "add", "vm1", "-g", "disks", "-p", "iscsi", "--size", "1G", "--block-size", "4096").exit()).isZero();
        CliRun add = cli("lun", "add", "vm1", "--size", "2G", "--read-only");
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(add.out()).isEqualTo("Added LUN 1 to iqn.2026-11.dev.cistern:vm1\n");
        CliRun show = cli("container", "show", "vm1");
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains("Dedup ratio:")
                .containsPattern("\nLUN +SIZE +BLOCK +READ-ONLY +TARGET *\n")
                .containsPattern("\n0 +1.0 GiB +4096 +no +iqn.2026-11.dev.cistern:vm1 *\n")
                .containsPattern("\n1 +2.0 GiB +512 +yes +iqn.2026-11.dev.cistern:vm1 *\n");
        assertThat(cli("lun", "list", "vm1").out()).containsPattern("\n1 +2.0 GiB +512 +yes +iqn.2026-11.dev.cistern:vm1 *\n");
        // --json stays the API's object with its stats: scripts read the LUNs from 'lun list --json'
        assertThat(new ObjectMapper().readTree(cli("container", "show", "vm1", "--json").out()).has("luns")).isFalse();

        assertThat(cli("container", "add", "vm2", "-g", "disks", "-p", "iscsi").exit()).isZero();
        assertThat(cli("container", "show", "vm2").out()).endsWith("\nNo LUNs yet: add one with 'cistern lun add vm2 --size SIZE'\n");
        // other protocols have no LUN section
        assertThat(cli("container", "add", "bucket1", "-g", "disks", "-p", "s3").exit()).isZero();
        assertThat(cli("container", "show", "bucket1").out()).doesNotContain("LUN");
    }

    /**
     * Only a successful login pins: a failed one pins nothing, and a token saved by a login with --insecure is
     * never sent to an unpinned server by a later command without it. The saved file and its directory are
     * private, and a logout that cannot reach the server keeps the token so that it can still be revoked.
     */
    @Test
    void aTokenGoesOnlyToThePinnedCertificateAndStaysPrivate() throws Exception {
        CliRun wrong = cliWithStdin("not-the-password\n", "login", "--user", "admin", "--password-stdin");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).doesNotContain("trusting");
        assertThat(config.resolve("servers.json")).satisfiesAnyOf(
                f -> assertThat(f).doesNotExist(), f -> assertThat(Files.readString(f)).doesNotContain(server.tls().fingerprint()));

        CliRun insecure = cliWithStdin("password-admin\n", "--insecure", "login", "--user", "admin", "--password-stdin");
        assertThat(insecure.exit()).as(insecure.err()).isZero();
        assertThat(insecure.err()).contains("is not pinned (--insecure)");
        CliRun refused = cli("stats");
        assertThat(refused.exit()).isEqualTo(3);
        assertThat(refused.err()).startsWith("cistern: no certificate is pinned for").hasLineCount(1);
        assertThat(cli("--insecure", "stats").exit()).isZero();
        assertThat(Files.getPosixFilePermissions(config)).containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.getPosixFilePermissions(config.resolve("servers.json"))).containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

        login("admin"); // pins now
        assertThat(cli("--json", "storage-group", "add", "g-json").exit()).isZero();
        assertThat(cli("--json", "storage-group", "delete", "g-json").out()).contains("\"deleted\"").contains("g-json");
        CliRun out = cli("--json", "logout");
        assertThat(out.out()).contains("\"loggedOut\" : true");
        login("admin");
        String token = Files.readString(config.resolve("servers.json"));
        server.close();
        CliRun down = cli("logout");
        assertThat(down.exit()).isEqualTo(3);
        assertThat(Files.readString(config.resolve("servers.json"))).as("the token is kept to revoke later").isEqualTo(token);
        server = null;
    }

    @Test
    void aChangedCertificateIsRefusedUntilRepinned() {
        login("admin");
        int port = server.httpPort();
        server.close();
        server = startServer(dir.resolve("other-data"), port);   // same address, new certificate
        CliRun r = cli("stats");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("cistern: the certificate of https://127.0.0.1:" + port + " changed")
                .contains("now " + server.tls().fingerprint()).contains("cistern login --repin");

        CliRun repin = cliWithStdin("password-admin\n", "login", "--user", "admin", "--password-stdin", "--repin");
        assertThat(repin.exit()).as(repin.err()).isZero();
        assertThat(repin.err()).contains(server.tls().fingerprint());
        assertThat(cli("stats").exit()).isZero();
    }

    @Test
    void aFingerprintFromTheEnvironmentIsCheckedOnFirstContact() {
        String fp = server.tls().fingerprint();
        Map<String, String> e = Map.of("CISTERN_SERVER", env.get("CISTERN_SERVER"), "CISTERN_USER", "monitor",
                "CISTERN_PASSWORD", "password-monitor", "CISTERN_FINGERPRINT", fp.replace(":", "").toLowerCase());
        CliRun ok = CliRun.run(config, e, "", "stats", "--json");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.err()).isEmpty();

        String other = "00" + fp.substring(2);
        Map<String, String> wrong = new java.util.HashMap<>(e);
        wrong.put("CISTERN_FINGERPRINT", other);
        CliRun bad = CliRun.run(dir.resolve("fresh-config"), wrong, "", "stats");
        assertThat(bad.exit()).isEqualTo(3);
        assertThat(bad.errLines()).containsExactly("cistern: the certificate of " + env.get("CISTERN_SERVER") + " has SHA-256 "
                + fp + ", not the " + other + " given in CISTERN_FINGERPRINT; refusing to connect");
    }

    @Test
    void logoutRevokesTheSavedToken() {
        login("admin");
        assertThat(cli("logout").out()).startsWith("Logged out of ");
        CliRun r = cli("stats");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("not logged in");
    }
}
