package dev.cistern.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.server.ServeCommand;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's JVM never asks DNS for a client's host name: the JDK's HTTPS server does before every TLS
 * handshake, and a resolver that drops reverse queries held each new connection for 5 s.
 */
class NoReverseLookupTest {
    @TempDir
    Path dir;

    @Test
    void anAddressIsItsOwnHostNameWithoutAskingAResolver() throws Exception {
        // /etc/hosts names 127.0.0.1 "localhost": a reverse lookup would find that
        assertThat(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}).getHostName()).isEqualTo("127.0.0.1");
        // forward lookups still work
        assertThat(InetAddress.getByName("localhost").isLoopbackAddress()).isTrue();
    }

    @Test
    void handshakesFromManyAddressesDoNotWaitForAResolver() throws Exception {
        try (TestServer server = new TestServer(ServerSettings.forTests(dir), ServeCommand::openEngine)) {
            List<Long> millis = new ArrayList<>();
            for (int i = 20; i < 60; i++) {
                long t0 = System.nanoTime();
                assertThat(server.sendFrom("127.0.0." + i, "GET", "/api/v1/openapi.json", null, null).status()).isLessThan(500);
                millis.add((System.nanoTime() - t0) / 1_000_000);
            }
            assertThat(millis).allMatch(ms -> ms < 3000);
        }
    }
}
