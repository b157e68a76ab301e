package dev.cistern.s3.testing;

import dev.cistern.engine.Engine;
import dev.cistern.s3.S3Config;
import dev.cistern.s3.S3KeyStore;
import dev.cistern.s3.S3Server;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Cistern S3 server in its own JVM, for crash tests: the parent kills it with SIGKILL and reopens
 * the same data directory. Usage: ChildServer DIR — serves the engine in DIR/engine with the keys of
 * DIR/s3-keys and writes the port to DIR/port once listening.
 */
public final class ChildServer {
    private ChildServer() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Engine engine = TestEngines.open(dir.resolve("engine"));
        S3KeyStore keys = S3KeyStore.open(dir.resolve("s3-keys"));
        keys.put(S3Fixture.ACCESS_KEY, S3Fixture.SECRET_KEY, "alice");
        S3Server server = new S3Server(engine, keys, new InetSocketAddress("127.0.0.1", 0), null, S3Config.defaults());
        server.start();
        Path tmp = dir.resolve("port.tmp");
        Files.writeString(tmp, Integer.toString(server.port()));
        Files.move(tmp, dir.resolve("port"));
        Thread.sleep(Long.MAX_VALUE);
    }
}
