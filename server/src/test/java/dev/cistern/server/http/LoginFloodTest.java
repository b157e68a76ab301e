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

    @TempDir
    Path dir;
    TestServer t;

    @BeforeEach
    void start() {
        ServerSettings fast = ServerSettings.forTests(dir);
        ServerSettings slowHashes = new ServerSettings(fast.dataDir(), fast.bindAddress(), fast.httpPort(), fast.protocolPorts(),
                300_000, fast.cleanHour(), fast.watchInterval(), fast.backoff(), fast.clock());
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
}
