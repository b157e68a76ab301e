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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Logins nobody holds a password for must not take the server's CPU: password checks are bounded server-wide
 * and per client address, and whatever is over the bound is refused with 429 before any hashing. Hashes here
 * are slow (300,000 iterations, a fifth of a second or so) so that concurrent logins really overlap.
 */
class LoginFloodTest {
    private static final String LOGIN = "/api/v1/login";
    private static final String ADMIN = "{\"user\":\"admin\",\"password\":\"password-admin\"}";

    @TempDir
    Path dir;
    TestServer t;

    @BeforeEach
    void start() {
        ServerSettings slowHashes = ServerSettings.forTests(dir).withPasswordIterations(300_000);
        t = new TestServer(slowHashes, ServeCommand::openEngine);
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private static String spray(int i) {
        return "{\"user\":\"spray-" + i + "\",\"password\":\"guess-guess\"}";
    }

    @Test
    void manyConcurrentLoginsWithUnknownNamesAreNotAllHashed() throws Exception {
        int n = 16;
        List<Reply> replies = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Reply>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                fs.add(pool.submit(() -> {
                    go.await();
                    return t.send("POST", LOGIN, null, spray(k));
                }));
            }
            go.countDown();
            for (Future<Reply> f : fs) replies.add(f.get());
        }
        long hashed = replies.stream().filter(r -> r.status() == 401).count();
        List<Reply> refused = replies.stream().filter(r -> r.status() == 429).toList();
        assertThat(hashed + refused.size()).as("every answer is 401 or 429").isEqualTo(n);
        assertThat(refused).as("logins refused before hashing").isNotEmpty();
        for (Reply r : refused) {
            assertThat(r.header("Retry-After")).as("Retry-After of %s", r.text()).matches("[1-9][0-9]*");
            assertThat(r.error()).contains("try again in");
        }
    }

    @Test
    void anAdminLogsInFromAnotherAddressWhileOneAddressFloods() throws Exception {
        ConcurrentLinkedQueue<Integer> flood = new ConcurrentLinkedQueue<>();
        long end = System.nanoTime() + 2_000_000_000L;
        Reply admin;
        long adminMillis;
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int w = 0; w < 8; w++) {
                int base = w * 10_000;
                pool.submit(() -> {
                    for (int i = base; System.nanoTime() < end; i++) flood.add(t.send("POST", LOGIN, null, spray(i)).status());
                    return null;
                });
            }
            Thread.sleep(500);
            long t0 = System.nanoTime();
            admin = t.sendFrom("127.0.0.2", "POST", LOGIN, null, "{\"user\":\"admin\",\"password\":\"password-admin\"}");
            adminMillis = (System.nanoTime() - t0) / 1_000_000;
        }
        assertThat(admin.status()).as("admin's login during the flood: %s", admin.text()).isEqualTo(200);
        assertThat(flood).as("the flood's answers").contains(429).containsOnly(401, 429);
        assertThat(adminMillis).as("admin's login time in ms").isLessThan(5_000);
    }

    private static String address(int i) {
        return "127.0.0." + i; // Linux routes all of 127/8 to lo: each is another machine to the server
    }

    /** The status of a request run on a pool, whose exceptions would otherwise vanish: -1 and a line on stderr. */
    private static int status(java.util.function.Supplier<Reply> request) {
        try {
            return request.get().status();
        } catch (RuntimeException e) {
            System.err.println("request failed: " + e + (e.getCause() == null ? "" : " caused by " + e.getCause()));
            return -1;
        }
    }

    /** Events of {@code type} (newest first) as "user message". */
    private List<String> events(String type, String token) {
        return events(t, type, token);
    }

    private static List<String> events(TestServer t, String type, String token) {
        List<String> out = new ArrayList<>();
        for (var e : t.get("/api/v1/events?type=" + type + "&limit=1000", token).json()) {
            out.add(e.get("user").asText() + " " + e.get("message").asText());
        }
        return out;
    }

    /**
     * 200 machines each guess the admin's password once. The name's back-off must not lock the real admin out
     * at the address it logs in from; a machine it never logged in from stays refused even with the right
     * password; and the failures are events naming their addresses, without one event per refusal.
     */
    @Test
    void oneAccountAttackedFromManyAddressesDoesNotLockOutItsAdmin() throws Exception {
        // the clock stands still: on a loaded machine the attack and the admin's login took longer than the
        // back-off's last delay, and the stranger's right password got in after it ran out
        dev.cistern.server.service.MutableClock clock = new dev.cistern.server.service.MutableClock();
        ServerSettings frozen = ServerSettings.forTests(dir.resolve("frozen")).withPasswordIterations(300_000).withClock(clock);
        try (TestServer t = new TestServer(frozen, ServeCommand::openEngine)) {
            attackFromManyAddresses(t);
        }
    }

    private void attackFromManyAddresses(TestServer t) throws Exception {
        assertThat(t.sendFrom(address(2), "POST", LOGIN, null, ADMIN).status()).as("the admin's usual login").isEqualTo(200);
        ConcurrentLinkedQueue<Integer> attack = new ConcurrentLinkedQueue<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 10; i < 210; i++) {
                String from = address(i);
                pool.submit(() -> attack.add(status(() -> t.sendFrom(from, "POST", LOGIN, null,
                        "{\"user\":\"admin\",\"password\":\"guess-" + from + "\"}"))));
            }
        }
        assertThat(attack).as("the attack's answers").hasSize(200).containsOnly(401, 429).contains(429);

        Reply admin = t.sendFrom(address(2), "POST", LOGIN, null, ADMIN);
        assertThat(admin.status()).as("the admin during the attack, from its usual address: %s", admin.text()).isEqualTo(200);
        Reply stranger = t.sendFrom(address(250), "POST", LOGIN, null, ADMIN);
        assertThat(stranger.status()).as("the right password from an address never used: %s", stranger.text()).isEqualTo(429);
        assertThat(t.sendFrom(address(2), "POST", LOGIN, null, ADMIN).status()).as("the back-off is not lifted by the admin's login")
                .isEqualTo(200);
        assertThat(t.sendFrom(address(251), "POST", LOGIN, null, ADMIN).status()).isEqualTo(429);

        String token = admin.json().get("token").asText();
        List<String> failed = events(t, "login-failed", token);
        assertThat(failed).as("failed logins name their address")
                .anyMatch(e -> e.startsWith("admin wrong user name or password, from 127.0.0."))
                .anyMatch(e -> e.startsWith("admin refused before the password check, from 127.0.0."));
        // an event per wrong guess that reached the hash (401), at most REFUSED_PER_MINUTE refusals recorded one
        // by one in a minute (the attack may straddle a minute of the wall clock), and a summary per minute
        int wrong = (int) attack.stream().filter(s -> s == 401).count();
        assertThat(failed.size()).as("events for %s refusals", attack.stream().filter(s -> s == 429).count())
                .isLessThanOrEqualTo(wrong + 2 * (dev.cistern.server.mgmt.AuditFilter.REFUSED_PER_MINUTE + 1));
        assertThat(failed).anyMatch(e -> e.endsWith("more refusals this minute are counted, not recorded one by one"));
        assertThat(events(t, "login", token)).contains("admin logged in from 127.0.0.2");
    }

    /**
     * 150 machines spray made-up names, two each, as fast as they are answered. The gate keeps the hashing to
     * its share of the CPU, so a read answers quickly, and the admin, from an address it logged in from,
     * waits in a reserved place instead of being refused because the queue is full.
     *
     * <p>150, not 200: each machine's second request goes over its kept-alive connection, and the JDK's HTTP
     * server closes a connection that goes idle while 200 others are (sun.net.httpserver.maxIdleConnections),
     * without telling the client, whose next POST then fails unanswered ("header parser received no bytes"):
     * with 200 machines, 1 run in 4 here (6 of 6 passed with the cap raised to 2000).
     */
    @Test
    void manyAccountsSprayedFromManyAddressesLeaveTheServerResponsiveAndTheAdminIn() throws Exception {
        assertThat(t.sendFrom(address(2), "POST", LOGIN, null, ADMIN).status()).isEqualTo(200);
        String monitor = t.login("monitor");
        ConcurrentLinkedQueue<Integer> spray = new ConcurrentLinkedQueue<>();
        Reply admin;
        long adminMillis;
        long readMillis;
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 10; i < 160; i++) {
                String from = address(i);
                int k = i;
                pool.submit(() -> {
                    for (int j = 0; j < 2; j++) {
                        String body = spray(k * 10 + j);
                        spray.add(status(() -> t.sendFrom(from, "POST", LOGIN, null, body)));
                    }
                });
            }
            while (spray.size() < 20) Thread.sleep(10); // the queue is full by now
            long t0 = System.nanoTime();
            Reply read = t.get("/api/v1/system", monitor);
            readMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(read.status()).isEqualTo(200);
            t0 = System.nanoTime();
            admin = t.sendFrom(address(2), "POST", LOGIN, null, ADMIN);
            adminMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(spray.size()).as("the spray still going when the admin was answered").isLessThan(300);
        }
        assertThat(spray).as("the spray's answers").hasSize(300).containsOnly(401, 429).contains(401, 429);
        assertThat(readMillis).as("a read during the spray, in ms").isLessThan(2_000);
        assertThat(admin.status()).as("the admin's login during the spray: %s", admin.text()).isEqualTo(200);
        assertThat(adminMillis).as("the admin's login time in ms").isLessThan(5_000);
    }

    /**
     * 200 machines guess the admin's password at once while the clock stands still, so no back-off runs out:
     * 5 free wrong guesses and the one that starts the back-off may be checked, no more. Guesses that got past
     * the name's check together, before the first of them was counted, would each be checked (as many as the
     * gate admits at once), and a back-off running out would let as many through again.
     */
    @Test
    void guessesAtOnceAreNotCheckedBeyondTheNamesFreeFailures() throws Exception {
        dev.cistern.server.service.MutableClock clock = new dev.cistern.server.service.MutableClock();
        ServerSettings frozen = ServerSettings.forTests(dir.resolve("frozen")).withPasswordIterations(300_000).withClock(clock);
        try (TestServer f = new TestServer(frozen, ServeCommand::openEngine)) {
            ConcurrentLinkedQueue<Integer> attack = new ConcurrentLinkedQueue<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
                for (int i = 10; i < 210; i++) {
                    String from = address(i);
                    pool.submit(() -> attack.add(status(() -> f.sendFrom(from, "POST", LOGIN, null,
                            "{\"user\":\"admin\",\"password\":\"guess-" + from + "\"}"))));
                }
            }
            assertThat(attack).hasSize(200).containsOnly(401, 429);
            assertThat(attack.stream().filter(st -> st == 401).count()).as("guesses checked").isEqualTo(6);
        }
    }
}
