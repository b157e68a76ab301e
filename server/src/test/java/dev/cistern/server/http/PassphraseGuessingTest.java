package dev.cistern.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cistern.server.FakeEngine;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import dev.cistern.server.TestServer.Reply;
import dev.cistern.server.service.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guessing an encrypted storage group's passphrase with an operator token runs into the group's back-off
 * ({@link PassphraseThrottle}): 5 wrong passphrases are answered 403, then the group's unlocks and re-keys are
 * refused with 429 and Retry-After before the engine hashes anything, wrong unlocks and wrong old passphrases
 * of a re-key count together, other groups go on, and the group's alert is raised and cleared.
 */
class PassphraseGuessingTest {
    private static final String VAULT = "/api/v1/storage-groups/vault";
    private static final String SAFE = "/api/v1/storage-groups/safe";

    /** Counts the passphrase checks that reach the engine, per group. */
    static final class CountingEngine extends FakeEngine {
        final Map<String, AtomicInteger> checks = new ConcurrentHashMap<>();
        /** Counted down as a check enters the engine; the check then waits for {@link #hold}. */
        volatile java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(0);
        volatile java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(0);

        @Override
        public void unlockGroup(String name, char[] passphrase) {
            checks.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
            entered.countDown();
            try {
                hold.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            super.unlockGroup(name, passphrase);
        }

        int checks(String group) {
            AtomicInteger n = checks.get(group);
            return n == null ? 0 : n.get();
        }
    }

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock();
    final CountingEngine engine = new CountingEngine();
    TestServer t;
    String op;

    @BeforeEach
    void start() {
        t = new TestServer(ServerSettings.forTests(dir).withClock(clock), p -> engine);
        op = t.login("operator");
        for (String g : List.of("vault", "safe")) {
            Reply r = t.send("POST", "/api/v1/storage-groups", op, "{\"name\":\"" + g + "\",\"passphrase\":\"right-" + g + "\"}");
            assertThat(r.status()).as(r.text()).isEqualTo(201);
        }
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private Reply unlock(String path, String passphrase) {
        return t.send("POST", path + "/unlock", op, "{\"passphrase\":\"" + passphrase + "\"}");
    }

    private Reply rekey(String path, String old) {
        return t.send("POST", path + "/passphrase", op, "{\"oldPassphrase\":\"" + old + "\",\"newPassphrase\":\"new-passphrase\"}");
    }

    private List<JsonNode> alerts(String state) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode a : t.get("/api/v1/alerts?state=" + state, op).json()) {
            if (a.get("key").asText().equals(PassphraseThrottle.alertKey("vault"))) found.add(a);
        }
        return found;
    }

    @Test
    void wrongPassphrasesPutTheGroupInABackOffBeforeAnyHashing() {
        for (int i = 0; i < 5; i++) {
            Reply r = unlock(VAULT, "guess-" + i);
            assertThat(r.status()).as("free wrong guess %s: %s", i, r.text()).isEqualTo(403);
        }
        assertThat(alerts("open")).as("no alert within the free failures").isEmpty();
        Reply sixth = unlock(VAULT, "guess-5");
        assertThat(sixth.status()).as("the 6th is still checked, and wrong: %s", sixth.text()).isEqualTo(403);
        assertThat(engine.checks("vault")).isEqualTo(6);

        Reply refused = unlock(VAULT, "guess-6");
        assertThat(refused.status()).as(refused.text()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.error()).isEqualTo("too many wrong passphrases for storage group 'vault' (6 in a row); its"
                + " unlock and passphrase change are refused for now: try again in 1 s");
        assertThat(unlock(VAULT, "right-vault").status()).as("the right one is not checked either").isEqualTo(429);
        assertThat(rekey(VAULT, "right-vault").status()).as("nor a re-key").isEqualTo(429);
        assertThat(engine.checks("vault")).as("no refused attempt reached the engine").isEqualTo(6);

        List<JsonNode> raised = alerts("open");
        assertThat(raised).hasSize(1);
        assertThat(raised.getFirst().get("message").asText()).startsWith("6 wrong passphrases in a row for encrypted"
                + " storage group 'vault', the last from user 'operator' at 127.0.0.1");

        assertThat(unlock(SAFE, "right-safe").status()).as("another group is not held back").isEqualTo(200);
        assertThat(unlock(SAFE, "wrong").status()).isEqualTo(403);

        clock.advance(Duration.ofSeconds(1));
        assertThat(unlock(VAULT, "guess-7").status()).as("checked again after the delay").isEqualTo(403);
        Reply doubled = unlock(VAULT, "right-vault");
        assertThat(doubled.status()).isEqualTo(429);
        assertThat(doubled.header("Retry-After")).as("the delay doubles").isEqualTo("2");
        assertThat(alerts("all")).as("a further wrong one refreshes the open alert, raises no new one").hasSize(1)
                .allSatisfy(a -> assertThat(a.get("message").asText()).startsWith("7 wrong passphrases"));

        clock.advance(Duration.ofSeconds(2));
        Reply right = unlock(VAULT, "right-vault");
        assertThat(right.status()).as(right.text()).isEqualTo(200);
        assertThat(right.json().get("locked").asBoolean()).isFalse();
        assertThat(alerts("open")).as("a correct passphrase clears the alert").isEmpty();
        for (int i = 0; i < 5; i++) assertThat(unlock(VAULT, "again-" + i).status()).as("free again: the record was cleared").isEqualTo(403);
        assertThat(engine.checks("vault")).isEqualTo(6 + 1 + 1 + 5);
    }

    @Test
    void wrongOldPassphrasesOfARekeyCountWithWrongUnlocks() {
        for (int i = 0; i < 3; i++) assertThat(unlock(VAULT, "guess-" + i).status()).isEqualTo(403);
        for (int i = 3; i < 6; i++) assertThat(rekey(VAULT, "guess-" + i).status()).isEqualTo(403);
        Reply refused = rekey(VAULT, "right-vault");
        assertThat(refused.status()).as(refused.text()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).matches("[1-9][0-9]*");
        assertThat(unlock(VAULT, "right-vault").status()).isEqualTo(429);
        assertThat(engine.checks("vault")).isEqualTo(6);

        clock.advance(Duration.ofSeconds(1));
        assertThat(rekey(VAULT, "right-vault").status()).as("a right old passphrase after the delay").isEqualTo(204);
        assertThat(alerts("open")).isEmpty();
        assertThat(unlock(VAULT, "new-passphrase").status()).isEqualTo(200);
    }

    @Test
    void aGroupCreatedAgainUnderTheNameOfOneInBackOffStartsAfresh() {
        for (int i = 0; i < 6; i++) assertThat(unlock(VAULT, "guess-" + i).status()).isEqualTo(403);
        assertThat(unlock(VAULT, "right-vault").status()).isEqualTo(429);
        assertThat(alerts("open")).hasSize(1);
        assertThat(t.send("DELETE", VAULT, op, null).status()).isEqualTo(204);
        assertThat(alerts("open")).as("the alert was about the deleted group").isEmpty();
        assertThat(t.send("POST", "/api/v1/storage-groups", op, "{\"name\":\"vault\",\"passphrase\":\"second-vault\"}")
                .status()).isEqualTo(201);
        assertThat(unlock(VAULT, "second-vault").status()).isEqualTo(200);
    }

    /** Only groups the engine calls a passphrase wrong for count: no table of names anyone can fill. */
    @Test
    void namesOfNoEncryptedGroupAreNeverCounted() {
        assertThat(t.send("POST", "/api/v1/storage-groups", op, "{\"name\":\"plain\"}").status()).isEqualTo(201);
        for (int i = 0; i < 8; i++) {
            assertThat(unlock("/api/v1/storage-groups/nosuch", "guess-" + i).status()).isEqualTo(404);
            assertThat(unlock("/api/v1/storage-groups/plain", "guess-" + i).status()).isEqualTo(400);
        }
        assertThat(t.get("/api/v1/alerts", op).json()).isEmpty();
    }

    /**
     * When a back-off runs out, guesses sent at once must not all get past the check before the first of them
     * is counted: that would be as many guesses per back-off as the password-check gate admits at once (2 per
     * address, up to 5 places per half-core server-wide from many) instead of one.
     */
    @Test
    void guessesSentAtOnceAfterABackOffGetOneCheckNotOneEach() throws Exception {
        for (int i = 0; i < 6; i++) assertThat(unlock(VAULT, "guess-" + i).status()).isEqualTo(403);
        clock.advance(Duration.ofSeconds(1));
        engine.entered = new java.util.concurrent.CountDownLatch(1);
        engine.hold = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<Reply> first = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<Reply> second = new java.util.concurrent.atomic.AtomicReference<>();
        Thread a = Thread.ofPlatform().start(() -> first.set(unlock(VAULT, "guess-a")));
        assertThat(engine.entered.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Thread b = Thread.ofPlatform().start(() -> second.set(unlock(VAULT, "guess-b")));
        b.join(1_000); // refused at once, or waiting for a place behind the first
        engine.hold.countDown();
        a.join(10_000);
        b.join(10_000);
        assertThat(first.get().status()).as(first.get().text()).isEqualTo(403);
        assertThat(second.get().status()).as(second.get().text()).isEqualTo(429);
        assertThat(engine.checks("vault")).as("one guess for the back-off that ran out").isEqualTo(7);
    }
}
