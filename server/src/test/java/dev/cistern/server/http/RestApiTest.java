package dev.cistern.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cistern.server.ServeCommand;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import dev.cistern.server.TestServer.Reply;
import dev.cistern.server.service.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The REST API over real HTTPS against the real engine: auth, roles, validation, status mapping, and that refused requests change nothing. */
class RestApiTest {
    @TempDir
    static Path dir;
    static final MutableClock clock = new MutableClock();
    static TestServer t;
    static String admin;
    static String operator;
    static String monitor;

    @BeforeAll
    static void start() {
        t = new TestServer(ServerSettings.forTests(dir).withClock(clock), ServeCommand::openEngine);
        admin = t.login("admin");
        operator = t.login("operator");
        monitor = t.login("monitor");
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void everyEndpointButLoginAndTheDocumentNeedsAToken() {
        Reply r = t.get("/api/v1/storage-groups", null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.error()).startsWith("missing bearer token");
        assertThat(t.get("/api/v1/system", "cst_forged").status()).isEqualTo(401);
        assertThat(t.send("POST", "/api/v1/clean", null, null).status()).isEqualTo(401);
        Reply doc = t.get("/api/v1/openapi.json", null);
        assertThat(doc.status()).isEqualTo(200);
        assertThat(doc.json().get("openapi").asText()).startsWith("3.");
    }

    @Test
    void anExpiredTokenIsRefused() {
        Reply login = t.send("POST", "/api/v1/login", null, "{\"user\":\"monitor\",\"password\":\"password-monitor\",\"ttlSeconds\":60}");
        String token = login.json().get("token").asText();
        assertThat(t.get("/api/v1/stats", token).status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(61));
        Reply r = t.get("/api/v1/stats", token);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.error()).startsWith("token expired at ").endsWith("log in again");
    }

    @Test
    void aWrongPasswordIsRefusedWithoutSayingWhichPart() {
        Reply r = t.send("POST", "/api/v1/login", null, "{\"user\":\"admin\",\"password\":\"nope\"}");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.error()).isEqualTo("wrong user name or password");
    }

    @Test
    void repeatedWrongPasswordsAreThrottledPerUser() {
        for (int i = 0; i < 5; i++) {
            assertThat(t.send("POST", "/api/v1/login", null, "{\"user\":\"ghost\",\"password\":\"guess-" + i + "\"}").status()).isEqualTo(401);
        }
        assertThat(t.send("POST", "/api/v1/login", null, "{\"user\":\"ghost\",\"password\":\"guess-5\"}").status()).isEqualTo(401);
        Reply r = t.send("POST", "/api/v1/login", null, "{\"user\":\"ghost\",\"password\":\"guess-6\"}");
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.error()).startsWith("too many failed logins for user 'ghost' (6 in a row); try again in ");
        assertThat(r.header("Retry-After")).matches("[1-9][0-9]*");
        assertThat(t.login("monitor")).startsWith("cst_");
    }

    /**
     * One address spraying unknown names runs out of failed logins, and from then on its logins are refused
     * before any password is checked, with the same answer for an existing name (even with its right password)
     * as for an unknown one; other addresses are not affected.
     */
    @Test
    void anAddressSprayingNamesIsRefusedAlikeForExistingAndUnknownNames() {
        String from = "127.0.0.9";
        for (int i = 0; i < 30; i++) {
            assertThat(t.sendFrom(from, "POST", "/api/v1/login", null, "{\"user\":\"spray-" + i + "\",\"password\":\"guess-guess\"}").status())
                    .isEqualTo(401);
        }
        Reply known = t.sendFrom(from, "POST", "/api/v1/login", null, "{\"user\":\"admin\",\"password\":\"password-admin\"}");
        Reply unknown = t.sendFrom(from, "POST", "/api/v1/login", null, "{\"user\":\"nobody\",\"password\":\"password-admin\"}");
        assertThat(known.status()).isEqualTo(429);
        assertThat(known.error()).isEqualTo("too many failed logins from 127.0.0.9 (allowance of 30 used up, one more every 10 s);"
                + " try again in 10 s").isEqualTo(unknown.error());
        assertThat(known.header("Retry-After")).isEqualTo("10").isEqualTo(unknown.header("Retry-After"));
        assertThat(t.login("admin")).startsWith("cst_");
        clock.advance(Duration.ofSeconds(10));
        assertThat(t.sendFrom(from, "POST", "/api/v1/login", null, "{\"user\":\"admin\",\"password\":\"password-admin\"}").status())
                .isEqualTo(200);
    }

    @Test
    void logoutRevokesTheToken() {
        String token = t.login("operator");
        assertThat(t.send("POST", "/api/v1/logout", token, null).status()).isEqualTo(204);
        assertThat(t.get("/api/v1/stats", token).status()).isEqualTo(401);
    }

    @Test
    void monitorsMayReadButNotWriteAndTheirAttemptChangesNothing() {
        Reply before = t.get("/api/v1/storage-groups", monitor);
        assertThat(before.status()).isEqualTo(200);
        Reply r = t.send("POST", "/api/v1/storage-groups", monitor, "{\"name\":\"by-monitor\"}");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.error()).contains("user 'monitor' has role monitor");
        assertThat(t.send("POST", "/api/v1/verify", monitor, null).status()).isEqualTo(403);
        assertThat(t.get("/api/v1/storage-groups", monitor).json()).isEqualTo(before.json());
    }

    @Test
    void operatorsMayNotManageUsers() {
        assertThat(t.get("/api/v1/users", operator).status()).isEqualTo(403);
        Reply r = t.send("POST", "/api/v1/users", operator, "{\"name\":\"eve\",\"role\":\"admin\",\"password\":\"12345678\"}");
        assertThat(r.status()).isEqualTo(403);
        assertThat(t.get("/api/v1/users", admin).json().findValuesAsText("name")).doesNotContain("eve");
    }

    @Test
    void badRequestsAre400WithAMessageAndChangeNothing() {
        Reply before = t.get("/api/v1/storage-groups", admin);
        Reply badJson = t.send("POST", "/api/v1/storage-groups", admin, "{\"name\": ");
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.error()).startsWith("invalid JSON in request body");
        Reply unknown = t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":\"g-unknown\",\"compresion\":\"best\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.error()).startsWith("unknown field 'compresion'");
        Reply badName = t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":\"Bad_Name\"}");
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.error()).startsWith("invalid storage group name 'Bad_Name'");
        Reply badSize = t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":\"g-size\",\"quota\":\"lots\"}");
        assertThat(badSize.status()).isEqualTo(400);
        assertThat(badSize.error()).startsWith("invalid quota 'lots'");
        Reply badComp = t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":\"g-comp\",\"compression\":\"max\"}");
        assertThat(badComp.status()).isEqualTo(400);
        assertThat(badComp.error()).isEqualTo("invalid compression 'max': use none, fast or best");
        Reply badChunk = t.send("POST", "/api/v1/storage-groups", admin,
                "{\"name\":\"g-chunk\",\"chunking\":{\"min\":\"8K\",\"avg\":\"4K\",\"max\":\"64K\"}}");
        assertThat(badChunk.status()).isEqualTo(400);
        assertThat(badChunk.error()).contains("invalid chunking");
        Reply empty = t.send("POST", "/api/v1/containers", admin, "");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.error()).startsWith("request body is empty");
        // one JSON value per body, and no silent conversions: 1.5 bytes or true as a name is a mistake
        assertThat(t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":\"g-trail\"} garbage").status()).isEqualTo(400);
        assertThat(t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":true}").status()).isEqualTo(400);
        assertThat(t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":\"g-float\",\"quota\":1.5}").status()).isEqualTo(400);
        Reply tiny = t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":\"g-tiny\",\"quota\":\"0.0000001K\"}");
        assertThat(tiny.status()).as("a quota that rounds to 0 would mean no quota").isEqualTo(400);
        assertThat(tiny.error()).contains("less than one byte");
        assertThat(t.get("/api/v1/storage-groups", admin).json()).isEqualTo(before.json());
    }

    /** A login's user name is checked before the throttle keeps it, a password is hashed or an event records it. */
    @Test
    void aLoginWithAHugeUserNameIsRefusedAtOnceAndNotEchoed() {
        String huge = "a".repeat(200_000);
        Reply r = t.send("POST", "/api/v1/login", null, "{\"user\":\"" + huge + "\",\"password\":\"whatever1\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).startsWith("invalid user name 'aaaa").hasSizeLessThan(200);
        assertThat(t.get("/api/v1/events?limit=50", admin).text()).doesNotContain("a".repeat(100));
    }

    /**
     * A PATCH that leaves CHAP out keeps the CHAP settings the container has when it is applied, not those
     * it had when the request came in: a rotation of a leaked secret racing another edit is never undone.
     */
    @Test
    void aChapRotationRacingAnotherEditStays() throws Exception {
        assertThat(t.send("POST", "/api/v1/storage-groups", operator, "{\"name\":\"patches\"}").status()).isEqualTo(201);
        assertThat(t.send("POST", "/api/v1/containers", operator, "{\"name\":\"lun-patch\",\"storageGroup\":\"patches\","
                + "\"protocol\":\"iscsi\",\"properties\":{\"chap.user\":\"u0\",\"chap.secret\":\"secret-0-123456\"}}").status())
                .isEqualTo(201);
        int rounds = 40;
        Thread rotate = Thread.ofPlatform().start(() -> {
            for (int i = 1; i <= rounds; i++) {
                assertThat(t.send("PATCH", "/api/v1/containers/lun-patch", operator,
                        "{\"properties\":{\"chap.user\":\"u" + i + "\",\"chap.secret\":\"secret-" + i + "-123456\"}}").status())
                        .isEqualTo(200);
            }
        });
        Thread edit = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < rounds; i++) {
                assertThat(t.send("PATCH", "/api/v1/containers/lun-patch", operator,
                        "{\"properties\":{\"initiators\":\"iqn.2026-01.test:h" + i + "\"}}").status()).isEqualTo(200);
            }
        });
        rotate.join();
        edit.join();
        assertThat(t.server.engine().engine().container("lun-patch").properties())
                .containsEntry("chap.user", "u" + rounds).containsEntry("chap.secret", "secret-" + rounds + "-123456");
    }

    @Test
    void storageGroupsAndContainersLifeCycle() {
        Reply created = t.send("POST", "/api/v1/storage-groups", operator,
                "{\"name\":\"backups\",\"compression\":\"best\",\"quota\":\"100G\",\"chunking\":{\"min\":\"4K\",\"avg\":\"16K\",\"max\":128000}}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().get("quotaBytes").asLong()).isEqualTo(100L << 30);
        assertThat(created.json().get("compression").asText()).isEqualTo("best");
        assertThat(created.json().at("/chunking/avgSize").asInt()).isEqualTo(16384);
        assertThat(created.json().get("chunkIds").asText()).as("an unencrypted group's chunk ids").isEqualTo("sha256");

        Reply dup = t.send("POST", "/api/v1/storage-groups", operator, "{\"name\":\"backups\",\"compression\":\"none\"}");
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.error()).contains("'backups' already exists");
        assertThat(t.get("/api/v1/storage-groups/backups", monitor).json().get("compression").asText()).isEqualTo("best");

        Reply patched = t.send("PATCH", "/api/v1/storage-groups/backups", operator, "{\"quota\":\"1T\"}");
        assertThat(patched.json().get("quotaBytes").asLong()).isEqualTo(1L << 40);

        Reply c = t.send("POST", "/api/v1/containers", operator,
                "{\"name\":\"vm-images\",\"storageGroup\":\"backups\",\"protocol\":\"iscsi\",\"properties\":{\"lun.size\":\"10G\"}}");
        assertThat(c.status()).as(c.text()).isEqualTo(201);
        assertThat(c.json().at("/properties/lun.size").asText()).isEqualTo("10G");
        Reply dupC = t.send("POST", "/api/v1/containers", operator,
                "{\"name\":\"vm-images\",\"storageGroup\":\"backups\",\"protocol\":\"s3\"}");
        assertThat(dupC.status()).isEqualTo(409);
        assertThat(t.get("/api/v1/containers/vm-images", monitor).json().get("protocol").asText()).isEqualTo("iscsi");
        Reply noGroup = t.send("POST", "/api/v1/containers", operator, "{\"name\":\"orphan\",\"storageGroup\":\"nope\",\"protocol\":\"s3\"}");
        assertThat(noGroup.status()).isEqualTo(404);
        assertThat(t.get("/api/v1/containers?storageGroup=backups", monitor).json().findValuesAsText("name")).containsExactly("vm-images");

        Reply notEmpty = t.send("DELETE", "/api/v1/storage-groups/backups", operator, null);
        assertThat(notEmpty.status()).isEqualTo(409);
        assertThat(t.get("/api/v1/containers/vm-images/stats", monitor).json().has("dedupRatio")).isTrue();
        assertThat(t.get("/api/v1/storage-groups/backups/stats", monitor).json().has("savingsPercent")).isTrue();
        assertThat(t.get("/api/v1/stats", monitor).json().at("/storageGroups/backups").isObject()).isTrue();

        assertThat(t.send("DELETE", "/api/v1/containers/vm-images", operator, null).status()).isEqualTo(204);
        assertThat(t.send("DELETE", "/api/v1/storage-groups/backups", operator, null).status()).isEqualTo(204);
        assertThat(t.get("/api/v1/storage-groups/backups", monitor).status()).isEqualTo(404);
    }

    @Test
    void encryptedGroupsUnlockAndChangePassphrase() {
        Reply created = t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":\"secret\",\"passphrase\":\"correct horse\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("chunkIds").asText()).as("a group created encrypted").isEqualTo("keyed-hmac-sha256");
        // the served OpenAPI document lists every field of a storage group, the scheme too
        JsonNode schema = t.get("/api/v1/openapi.json", null).json().at("/components/schemas/StorageGroup/properties");
        Iterable<String> fields = () -> created.json().fieldNames();
        assertThat(schema.fieldNames()).toIterable().containsExactlyInAnyOrderElementsOf(fields);
        assertThat(schema.at("/chunkIds/enum")).extracting(JsonNode::asText).containsExactly("sha256", "keyed-hmac-sha256");
        Reply wrong = t.send("POST", "/api/v1/storage-groups/secret/unlock", admin, "{\"passphrase\":\"battery staple\"}");
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(t.send("POST", "/api/v1/storage-groups/secret/unlock", admin, "{\"passphrase\":\"correct horse\"}").status()).isEqualTo(200);
        assertThat(t.send("POST", "/api/v1/storage-groups/secret/passphrase", admin,
                "{\"oldPassphrase\":\"correct horse\",\"newPassphrase\":\"tr0ub4dor&3\"}").status()).isEqualTo(204);
        assertThat(t.send("POST", "/api/v1/storage-groups/secret/unlock", admin, "{\"passphrase\":\"tr0ub4dor&3\"}").status()).isEqualTo(200);
    }

    @Test
    void verifyRunsAsAJobToPoll() throws Exception {
        Reply started = t.send("POST", "/api/v1/verify", operator, null);
        assertThat(started.status()).isEqualTo(202);
        long id = started.json().get("id").asLong();
        Reply job = t.get("/api/v1/jobs/" + id, monitor);
        for (int i = 0; i < 100 && job.json().get("state").asText().equals("running"); i++) {
            Thread.sleep(50);
            job = t.get("/api/v1/jobs/" + id, monitor);
        }
        assertThat(job.json().get("state").asText()).isEqualTo("succeeded");
        assertThat(job.json().get("percent").asDouble()).isEqualTo(100.0);
        assertThat(job.json().at("/report/damagedChunks").asLong()).isZero();
        assertThat(job.json().get("startedBy").asText()).isEqualTo("operator");
        assertThat(t.get("/api/v1/jobs/99999", monitor).status()).isEqualTo(404);
        assertThat(t.get("/api/v1/jobs/abc", monitor).error()).startsWith("invalid job id 'abc'");
    }

    @Test
    void usersAreManagedByAdmins() {
        Reply created = t.send("POST", "/api/v1/users", admin, "{\"name\":\"carol\",\"role\":\"operator\",\"password\":\"carol-pass-1\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("role").asText()).isEqualTo("operator");
        assertThat(created.text()).doesNotContain("carol-pass-1").doesNotContain("pbkdf2");
        assertThat(t.send("POST", "/api/v1/users", admin, "{\"name\":\"carol\",\"role\":\"monitor\",\"password\":\"x-pass-12\"}").status()).isEqualTo(409);
        Reply badRole = t.send("POST", "/api/v1/users", admin, "{\"name\":\"dave\",\"role\":\"root\",\"password\":\"x-pass-12\"}");
        assertThat(badRole.status()).isEqualTo(400);
        assertThat(badRole.error()).isEqualTo("invalid role 'root': use admin, operator or monitor");
        assertThat(t.get("/api/v1/users/carol", admin).json().get("role").asText()).isEqualTo("operator");

        String carol = t.send("POST", "/api/v1/login", null, "{\"user\":\"carol\",\"password\":\"carol-pass-1\"}").json().get("token").asText();
        assertThat(t.send("PUT", "/api/v1/users/admin/password", carol, "{\"password\":\"hijacked-1\"}").status()).isEqualTo(403);
        assertThat(t.send("PUT", "/api/v1/users/carol/password", carol, "{\"password\":\"carol-pass-2\"}").status())
                .as("one's own password takes the current one").isEqualTo(400);
        assertThat(t.send("PUT", "/api/v1/users/carol/password", carol,
                "{\"password\":\"carol-pass-2\",\"currentPassword\":\"wrong-pass-1\"}").status()).isEqualTo(403);
        assertThat(t.send("PUT", "/api/v1/users/carol/password", carol,
                "{\"password\":\"carol-pass-2\",\"currentPassword\":\"carol-pass-1\"}").status()).isEqualTo(204);
        assertThat(t.send("PATCH", "/api/v1/users/carol", admin, "{\"role\":\"monitor\"}").json().get("role").asText()).isEqualTo("monitor");
        String keyId = t.send("POST", "/api/v1/s3-keys", admin, "{\"user\":\"carol\"}").json().get("accessKeyId").asText();
        assertThat(t.send("DELETE", "/api/v1/users/carol", admin, null).status()).isEqualTo(204);
        assertThat(t.get("/api/v1/users/carol", admin).status()).isEqualTo(404);
        assertThat(t.get("/api/v1/s3-keys?user=carol", admin).text()).as("a user's S3 keys go with the user").doesNotContain(keyId);
        assertThat(t.send("POST", "/api/v1/users", admin, "{\"name\":\"carol\",\"role\":\"monitor\",\"password\":\"carol-pass-3\"}").status())
                .isEqualTo(201);
        assertThat(t.get("/api/v1/s3-keys?user=carol", admin).json()).as("a new carol inherits nothing").isEmpty();
        assertThat(t.send("DELETE", "/api/v1/users/carol", admin, null).status()).isEqualTo(204);
        assertThat(t.send("POST", "/api/v1/s3-keys", admin, "{\"user\":\"carol\"}").status()).isEqualTo(404);
    }

    @Test
    void systemShowsVersionAndServiceHealth() {
        Reply r = t.get("/api/v1/system", monitor);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("version").asText()).isNotBlank();
        assertThat(r.json().get("services").findValuesAsText("name")).containsExactly("engine", "http", "monitor", "health");
        assertThat(r.json().get("services").findValuesAsText("health")).containsOnly("up");
        assertThat(r.json().get("certificateSha256").asText()).isEqualTo(t.server.tls().fingerprint());
    }

    @Test
    void unknownEndpointsAndMethodsSayWhatExists() {
        Reply nf = t.get("/api/v1/nothing-here", admin);
        assertThat(nf.status()).isEqualTo(404);
        assertThat(nf.error()).contains("see /api/v1/openapi.json");
        Reply na = t.send("PUT", "/api/v1/storage-groups", admin, "{}");
        assertThat(na.status()).isEqualTo(405);
        assertThat(na.error()).endsWith("use GET, POST");
    }

    /**
     * Container properties a front end could not use are refused with nothing stored; secrets are shown
     * masked, and an edit sending the mask back keeps the stored secret.
     */
    @Test
    void containerPropertiesThatWouldBreakTheExportAre400AndSecretsStayOnTheServer() {
        assertThat(t.send("POST", "/api/v1/storage-groups", operator, "{\"name\":\"props\"}").status()).isEqualTo(201);
        Reply shortSecret = t.send("POST", "/api/v1/containers", operator, "{\"name\":\"lun-short\",\"storageGroup\":\"props\","
                + "\"protocol\":\"iscsi\",\"properties\":{\"chap.user\":\"backup\",\"chap.secret\":\"short\"}}");
        assertThat(shortSecret.status()).isEqualTo(400);
        assertThat(shortSecret.error()).contains("chap.secret").contains("at least 12 bytes");
        assertThat(t.get("/api/v1/containers/lun-short", monitor).status()).isEqualTo(404);
        Reply mutualAlone = t.send("POST", "/api/v1/containers", operator, "{\"name\":\"lun-mutual\",\"storageGroup\":\"props\","
                + "\"protocol\":\"iscsi\",\"properties\":{\"chap.mutual.user\":\"target\",\"chap.mutual.secret\":\"0123456789abcdef\"}}");
        assertThat(mutualAlone.status()).isEqualTo(400);
        assertThat(mutualAlone.error()).contains("needs one-way CHAP");

        Reply lun = t.send("POST", "/api/v1/containers", operator, "{\"name\":\"lun-ok\",\"storageGroup\":\"props\","
                + "\"protocol\":\"iscsi\",\"properties\":{\"chap.user\":\"backup\",\"chap.secret\":\"0123456789abcdef\"}}");
        assertThat(lun.status()).isEqualTo(201);
        assertThat(lun.json().at("/properties/chap.secret").asText()).isEqualTo("********");
        assertThat(t.get("/api/v1/containers/lun-ok", monitor).text()).doesNotContain("0123456789abcdef");
        Reply roundTrip = t.send("PATCH", "/api/v1/containers/lun-ok", operator,
                "{\"properties\":{\"chap.user\":\"backup2\",\"chap.secret\":\"********\"}}");
        assertThat(roundTrip.status()).isEqualTo(200);
        assertThat(t.server.engine().engine().container("lun-ok").properties())
                .containsEntry("chap.user", "backup2").containsEntry("chap.secret", "0123456789abcdef");
        assertThat(t.send("PATCH", "/api/v1/containers/lun-ok", operator, "{\"properties\":{\"initiators\":\"iqn.2026-01.test:h1\"}}").status())
                .isEqualTo(200);
        assertThat(t.server.engine().engine().container("lun-ok").properties())
                .as("CHAP left out is kept").containsEntry("chap.user", "backup2").containsEntry("initiators", "iqn.2026-01.test:h1");
        Reply weakened = t.send("PATCH", "/api/v1/containers/lun-ok", operator,
                "{\"properties\":{\"chap.user\":\"backup2\",\"chap.secret\":\"tiny\"}}");
        assertThat(weakened.status()).isEqualTo(400);
        assertThat(t.server.engine().engine().container("lun-ok").properties()).containsEntry("chap.secret", "0123456789abcdef");
        assertThat(t.send("PATCH", "/api/v1/containers/lun-ok", operator,
                "{\"properties\":{\"chap.user\":\"\",\"chap.secret\":\"\"}}").status()).isEqualTo(200);
        assertThat(t.server.engine().engine().container("lun-ok").properties()).as("sent empty, CHAP goes")
                .doesNotContainKeys("chap.user", "chap.secret");

        assertThat(t.send("POST", "/api/v1/containers", operator, "{\"name\":\"bucket-a\",\"storageGroup\":\"props\","
                + "\"protocol\":\"s3\",\"properties\":{\"owner\":\"alice\"}}").status()).isEqualTo(201);
        Reply stolen = t.send("PATCH", "/api/v1/containers/bucket-a", operator, "{\"properties\":{\"owner\":\"mallory\"}}");
        assertThat(stolen.status()).isEqualTo(400);
        assertThat(stolen.error()).contains("'owner' of a bucket is fixed");
        assertThat(t.server.engine().engine().container("bucket-a").properties()).containsEntry("owner", "alice");
        assertThat(t.send("PATCH", "/api/v1/containers/bucket-a", operator, "{\"properties\":{\"versioning\":\"Enabled\"}}").status())
                .as("left out, the owner is kept").isEqualTo(200);
        assertThat(t.server.engine().engine().container("bucket-a").properties())
                .containsEntry("owner", "alice").containsEntry("versioning", "Enabled");
    }
}
