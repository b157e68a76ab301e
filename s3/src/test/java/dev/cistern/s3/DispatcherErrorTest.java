package dev.cistern.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.engine.Engine;
import dev.cistern.s3.testing.RawS3;
import dev.cistern.s3.testing.TestEngines;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An Error thrown while serving a request (a class that no longer loads after the jar was rebuilt under a
 * running server, a runaway recursion) is answered 500 InternalError like an exception: it ended the
 * request's thread with no answer, and the client waited until the connection's 5-minute idle timeout.
 */
class DispatcherErrorTest {
    @TempDir
    Path dir;

    @Test
    void anErrorWhileServingARequestIsAnswered500() throws Exception {
        Engine engine = TestEngines.open(dir.resolve("engine"));
        S3Credentials broken = id -> {
            throw new NoClassDefFoundError("dev/cistern/s3/auth/Gone");
        };
        S3Server server = new S3Server(engine, broken, new InetSocketAddress("127.0.0.1", 0));
        server.start();
        try {
            RawS3 raw = new RawS3(server.port(), "CKTESTACCESSKEY00001", "secret");
            raw.timeoutMs = 5000;
            RawS3.Response r = raw.send("GET", "/", "", new byte[0], Map.of());
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.code()).isEqualTo("InternalError");
            assertThat(server.healthy()).isTrue();
        } finally {
            server.stop();
            engine.close();
        }
    }
}
