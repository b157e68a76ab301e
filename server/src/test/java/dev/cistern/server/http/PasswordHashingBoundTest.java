package dev.cistern.server.http;

import dev.cistern.server.ServeCommand;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import dev.cistern.server.TestServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every request that hashes a password or passphrase, not only a login, goes through the server-wide
 * {@link PasswordCheckGate}: a token (a low-privilege one, or a stolen one) sending such requests at once is
 * refused with 429 and Retry-After beyond its share, instead of taking every core. One client address holds
 * at most 2 places, so 8 requests at once from it must see refusals.
 */
class PasswordHashingBoundTest {
    private static final int AT_ONCE = 8;

    @TempDir
    Path dir;
    TestServer t;
    String admin;
    String operator;

    @BeforeEach
    void start() {
        // slow enough (a tenth of a second or more) that the requests overlap
        ServerSettings slowHashes = ServerSettings.forTests(dir).withPasswordIterations(300_000);
        t = new TestServer(slowHashes, ServeCommand::openEngine);
        admin = t.login("admin");
        operator = t.login("operator");
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private List<Reply> atOnce(IntFunction<Reply> request) throws Exception {
        List<Reply> replies = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(AT_ONCE)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Reply>> fs = new ArrayList<>();
            for (int i = 0; i < AT_ONCE; i++) {
                int k = i;
                fs.add(pool.submit(() -> {
                    go.await();
                    return request.apply(k);
                }));
            }
            go.countDown();
            for (Future<Reply> f : fs) replies.add(f.get());
        }
        return replies;
    }

    private static void assertBounded(String what, List<Reply> replies, Integer... done) {
        List<Reply> refused = replies.stream().filter(r -> r.status() == 429).toList();
        assertThat(refused).as("%s: requests refused before hashing, of %s", what,
                replies.stream().map(Reply::status).toList()).isNotEmpty();
        for (Reply r : refused) {
            assertThat(r.header("Retry-After")).as("Retry-After of %s", r.text()).matches("[1-9][0-9]*");
            // the server-wide gate, or a group with a wrong passphrase on record checked one at a time
            assertThat(r.error()).containsAnyOf("password checks", "one runs at a time").contains("try again in");
        }
        assertThat(replies.stream().map(Reply::status).filter(s -> s != 429)).as(what).isNotEmpty().allMatch(List.of(done)::contains);
    }

    @Test
    void creatingUsersIsBounded() throws Exception {
        assertBounded("POST /users", atOnce(i -> t.send("POST", "/api/v1/users", admin,
                "{\"name\":\"u" + i + "\",\"role\":\"monitor\",\"password\":\"password-u" + i + "\"}")), 201);
    }

    @Test
    void resettingAPasswordIsBounded() throws Exception {
        assertBounded("PUT /users/monitor/password", atOnce(i -> t.send("PUT", "/api/v1/users/monitor/password", admin,
                "{\"password\":\"new-password-" + i + "\"}")), 204);
    }

    @Test
    void encryptedStorageGroupsCreatingUnlockingAndRekeyingAreBounded() throws Exception {
        assertBounded("POST /storage-groups", atOnce(i -> t.send("POST", "/api/v1/storage-groups", operator,
                "{\"name\":\"vault" + i + "\",\"passphrase\":\"passphrase-1\"}")), 201);
        String vault = t.send("POST", "/api/v1/storage-groups", operator,
                "{\"name\":\"vault\",\"passphrase\":\"passphrase-1\"}").status() == 201 ? "vault" : null;
        assertThat(vault).as("creating one group alone").isNotNull();
        // unlocks of different groups: a group with a wrong passphrase on record is checked one at a time
        for (int i = 0; i < AT_ONCE; i++) {
            int st = t.send("POST", "/api/v1/storage-groups", operator,
                    "{\"name\":\"vault" + i + "\",\"passphrase\":\"passphrase-1\"}").status();
            assertThat(st).as("vault%s created now or before", i).isIn(201, 409);
        }
        List<Reply> unlocks = atOnce(i -> t.send("POST", "/api/v1/storage-groups/vault" + i + "/unlock", operator,
                "{\"passphrase\":\"passphrase-1\"}"));
        assertBounded("unlock", unlocks, 200);
        assertThat(unlocks).filteredOn(r -> r.status() == 429).allSatisfy(r -> assertThat(r.error()).contains("password checks"));
        // the first change makes the others' old passphrase wrong: 403 after their hash, still bounded
        assertBounded("passphrase", atOnce(i -> t.send("POST", "/api/v1/storage-groups/vault/passphrase", operator,
                "{\"oldPassphrase\":\"passphrase-1\",\"newPassphrase\":\"passphrase-" + (i + 2) + "\"}")), 204, 403);
    }
}
