package dev.cistern.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cistern.iscsi.testing.ExternalTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole server ({@code cistern serve}: config service, REST, S3, iSCSI) killed with SIGKILL while S3 clients,
 * iSCSI initiators and REST calls write at once, in a plain and an encrypted storage group; 3 rounds (15 with
 * -Dcistern.test.long=true). After each restart (and unlocking the encrypted group) everything acknowledged
 * reads back bit-exact, nothing unacknowledged shows up damaged, and verify is clean.
 */
class WholeServerCrashTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long LUN_BYTES = 32L << 20;
    private static final String PASSPHRASE = "crash-vault-passphrase";

    @TempDir
    Path dir;

    @Test
    void everythingAcknowledgedSurvivesKill9OfTheWholeServer() throws Exception {
        ExternalTools.require("qemu-io", "qemu-utils");
        ExternalTools.require("qemu-img", "qemu-utils");
        int rounds = Boolean.getBoolean("cistern.test.long") ? 15 : 3;
        long seed = Long.getLong("cistern.test.seed", System.nanoTime());
        System.out.println("WholeServerCrashTest seed " + seed + " (-Dcistern.test.seed=" + seed + " repeats it)");
        Random random = new Random(seed);

        List<ObjectWriter> objects = List.of(new ObjectWriter("plain-objects", random.nextLong()),
                new ObjectWriter("vault-objects", random.nextLong()));
        List<LunWriter> luns = List.of(new LunWriter("plain-lun", LUN_BYTES, dir, random.nextLong()),
                new LunWriter("vault-lun", LUN_BYTES, dir, random.nextLong()));
        List<String> configured = new ArrayList<>();
        String[] s3Key;

        ServerJvm server = ServerJvm.start(dir);
        try {
            String token = server.login();
            post(server, token, "/storage-groups", "{\"name\":\"plain\"}");
            post(server, token, "/storage-groups", "{\"name\":\"vault\",\"compression\":\"best\",\"passphrase\":\"" + PASSPHRASE + "\"}");
            for (String g : List.of("plain", "vault")) {
                post(server, token, "/containers", "{\"name\":\"" + g + "-objects\",\"storageGroup\":\"" + g + "\",\"protocol\":\"s3\"}");
                post(server, token, "/containers", "{\"name\":\"" + g + "-lun\",\"storageGroup\":\"" + g
                        + "\",\"protocol\":\"iscsi\",\"lun\":{\"size\":\"" + LUN_BYTES + "\",\"blockSize\":512}}");
            }
            JsonNode key = post(server, token, "/s3-keys", "{\"user\":\"admin\"}");
            s3Key = new String[]{key.get("accessKeyId").asText(), key.get("secretKey").asText()};

            for (int round = 0; round < rounds; round++) {
                AtomicBoolean killed = new AtomicBoolean();
                AtomicReference<String> configFailure = new AtomicReference<>();
                ServerJvm up = server;
                String tok = token;
                int r = round;
                List<Thread> writers = new ArrayList<>();
                try (S3Client s3 = s3(server.s3Port, s3Key)) {
                    for (ObjectWriter w : objects) {
                        writers.add(Thread.ofPlatform().start(() -> w.writeUntil(s3, "round-" + r, killed::get)));
                    }
                    for (LunWriter w : luns) {
                        writers.add(Thread.ofPlatform().start(() -> w.writeUntil(up.iscsiPort, killed::get)));
                    }
                    writers.add(Thread.ofPlatform().start(() -> createUntilKilled(up, tok, r, configured, killed, configFailure)));
                    Thread.sleep(1500 + random.nextInt(2500));
                    killed.set(true);
                    server.kill9();
                    for (Thread t : writers) {
                        t.join(90_000);
                        assertThat(t.isAlive()).as("a writer still running 90 s after the kill").isFalse();
                    }
                }
                assertThat(configFailure.get()).as("REST changes while the server ran").isNull();
                System.out.printf("round %d: killed after %s PUTs, %s iSCSI batches, %d config changes acknowledged%n", round,
                        objects.stream().map(ObjectWriter::puts).toList(), luns.stream().map(LunWriter::batches).toList(),
                        configured.size());

                server = ServerJvm.start(dir);
                token = server.login();
                JsonNode unlocked = post(server, token, "/storage-groups/vault/unlock", "{\"passphrase\":\"" + PASSPHRASE + "\"}", 200);
                assertThat(unlocked.get("locked").asBoolean()).isFalse();
                checkConfig(server, token, configured);
                try (S3Client s3 = s3(server.s3Port, s3Key)) {
                    for (ObjectWriter w : objects) w.check(s3);
                }
                for (LunWriter w : luns) w.check(server.iscsiPort);
                verifyClean(server, token);
            }
        } finally {
            server.close();
        }
    }

    /**
     * Storage groups, each with an S3 container, made through REST until the kill; the acknowledged ones noted, and
     * the first refusal or failure while the server was up.
     */
    private static void createUntilKilled(ServerJvm server, String token, int round, List<String> acknowledged,
                                          AtomicBoolean killed, AtomicReference<String> failure) {
        for (int i = 0; !killed.get(); i++) {
            String name = "cfg-" + round + "-" + i;
            try {
                HttpResponse<String> g = Rest.send(server.api() + "/storage-groups", "POST", token, "{\"name\":\"" + name + "\"}");
                HttpResponse<String> c = g.statusCode() != 201 ? g : Rest.send(server.api() + "/containers", "POST", token,
                        "{\"name\":\"" + name + "-bucket\",\"storageGroup\":\"" + name + "\",\"protocol\":\"s3\"}");
                if (c.statusCode() != 201) {
                    if (!killed.get()) failure.set("creating " + name + ": " + c.statusCode() + " " + c.body());
                    return;
                }
                synchronized (acknowledged) {
                    acknowledged.add(name);
                }
                Thread.sleep(100);
            } catch (Exception e) {
                if (!killed.get()) failure.set("creating " + name + ": " + e);
                return;
            }
        }
    }

    private static void checkConfig(ServerJvm server, String token, List<String> acknowledged) throws Exception {
        List<String> groups = names(Rest.send(server.api() + "/storage-groups", "GET", token, null));
        List<String> containers = names(Rest.send(server.api() + "/containers", "GET", token, null));
        assertThat(groups).as("storage groups after the restart").contains("plain", "vault").containsAll(acknowledged);
        assertThat(containers).as("containers after the restart").contains("plain-objects", "vault-objects", "plain-lun", "vault-lun")
                .containsAll(acknowledged.stream().map(n -> n + "-bucket").toList());
    }

    private static List<String> names(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        for (JsonNode n : JSON.readTree(r.body())) names.add(n.get("name").asText());
        return names;
    }

    private static void verifyClean(ServerJvm server, String token) throws Exception {
        long id = post(server, token, "/verify", null, 202).get("id").asLong();
        JsonNode job;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        do {
            Thread.sleep(100);
            job = JSON.readTree(Rest.send(server.api() + "/jobs/" + id, "GET", token, null).body());
        } while (job.get("state").asText().equals("running") && System.nanoTime() < deadline);
        assertThat(job.get("state").asText()).as("verify job %s", job).isEqualTo("succeeded");
        JsonNode report = job.get("report");
        assertThat(report.get("damagedChunks").asLong()).as("verify report %s", report).isZero();
        assertThat(report.get("damagedContainers")).as("verify report %s", report).isEmpty();
        assertThat(report.get("damagedEntries")).as("verify report %s", report).isEmpty();
        assertThat(report.get("chunksChecksumOnly").asLong()).as("chunks verified by checksum only (a locked group?)").isZero();
    }

    private static JsonNode post(ServerJvm server, String token, String path, String json) throws Exception {
        return post(server, token, path, json, 201);
    }

    private static JsonNode post(ServerJvm server, String token, String path, String json, int status) throws Exception {
        HttpResponse<String> r = Rest.send(server.api() + path, "POST", token, json);
        assertThat(r.statusCode()).as("POST %s: %s", path, r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    private static S3Client s3(int port, String[] key) {
        return S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key[0], key[1])))
                .forcePathStyle(true).overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }
}
