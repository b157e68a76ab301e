package dev.cistern.s3.testing;

import dev.cistern.engine.Engine;
import dev.cistern.s3.S3Config;
import dev.cistern.s3.S3KeyStore;
import dev.cistern.s3.S3Server;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
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
}
