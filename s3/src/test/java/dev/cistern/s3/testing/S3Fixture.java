package dev.cistern.s3.testing;

import dev.cistern.engine.Engine;
import dev.cistern.s3.S3Config;
import dev.cistern.s3.S3KeyStore;
import dev.cistern.s3.S3Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** A running S3 server on an ephemeral port with one user ("alice") and an AWS SDK client for her. */
public final class S3Fixture implements AutoCloseable {
    public static final String ACCESS_KEY = "CKTESTACCESSKEY00001";
    public static final String SECRET_KEY = "testsecretkey/0123456789abcdefghijklmnop";

    public final Engine engine;
    public final S3KeyStore keys;
    public final S3Server server;
    public final S3Client client;

    public S3Fixture(Path dir) {
        this(TestEngines.open(dir.resolve("engine")), dir, S3Config.defaults());
    }

    public S3Fixture(Engine engine, Path dir, S3Config config) {
        this.engine = engine;
        this.keys = S3KeyStore.open(dir.resolve("s3-keys"));
        keys.put(ACCESS_KEY, SECRET_KEY, "alice");
        this.server = new S3Server(engine, keys, new InetSocketAddress("127.0.0.1", 0), null, config);
        server.start();
        this.client = client(ACCESS_KEY, SECRET_KEY);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    public S3Client client(String accessKey, String secret) {
        return S3Client.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }

    public S3Presigner presigner() {
        return S3Presigner.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }

    @Override
    public void close() {
        client.close();
        server.stop();
        engine.close();
    }

    /** {@code n} random bytes from {@code seed}: the same again for the same seed. */
    public static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    public static PerClass perClass() {
        return perClass(S3Fixture::new);
    }

    public static PerClass perClass(Function<Path, S3Fixture> start) {
        return new PerClass(start);
    }

    /**
     * Register on a static field with {@code @RegisterExtension}: JUnit then starts the fixture before the
     * class's own {@code @BeforeAll} methods and closes it after the last test, whether or not tests failed.
     */
    public static final class PerClass implements BeforeAllCallback, AfterAllCallback {
        private final Function<Path, S3Fixture> start;
        private Path dir;
        private S3Fixture fixture;

        private PerClass(Function<Path, S3Fixture> start) {
            this.start = start;
        }

        public S3Fixture get() {
            return fixture;
        }

        /** The fixture's directory; tests may keep scratch files in it too. */
        public Path dir() {
            return dir;
        }

        @Override
        public void beforeAll(ExtensionContext context) throws IOException {
            dir = Files.createTempDirectory("s3-fixture");
            fixture = start.apply(dir);
        }

        @Override
        public void afterAll(ExtensionContext context) throws IOException {
            try {
                if (fixture != null) fixture.close();
            } finally {
                fixture = null;
                deleteTree(dir);
            }
        }

        private static void deleteTree(Path dir) throws IOException {
            if (dir == null) return;
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }
}
