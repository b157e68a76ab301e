package dev.cistern.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real server, {@code cistern serve} with every front end, in a child JVM started as the watch starts it
 * ({@link Watchdog#childCommand()}), for tests that kill it with SIGKILL and start it again on the same data.
 */
final class ServerJvm implements AutoCloseable {
    static final String ADMIN_PASSWORD = "crash-test-password";

    final int httpPort;
    final int s3Port;
    final int iscsiPort;
    private final Process process;

    private ServerJvm(Process process, int httpPort, int s3Port, int iscsiPort) {
        this.process = process;
        this.httpPort = httpPort;
        this.s3Port = s3Port;
        this.iscsiPort = iscsiPort;
    }

    /** Starts a server on {@code dir}/data, its output appended to {@code dir}/server.log, and waits until it serves. */
    static ServerJvm start(Path dir) throws Exception {
        ServerJvm s = launch(dir);
        try {
            s.awaitPorts(Duration.ofSeconds(60), dir.resolve("server.log"));
        } catch (Throwable t) {
            s.close();
            throw t;
        }
        return s;
    }

    /** Starts a server as {@link #start} does, without waiting for it. */
    static ServerJvm launch(Path dir) throws Exception {
        Path pw = dir.resolve("admin-password");
        if (!Files.exists(pw)) Files.writeString(pw, ADMIN_PASSWORD + "\n");
        int http = Rest.freePort();
        int s3 = Rest.freePort();
        int iscsi = Rest.freePort();
        List<String> cmd = new ArrayList<>(new Watchdog(List.of("--data", dir.resolve("data").toString(),
                "--http-port", "" + http, "--s3-port", "" + s3, "--iscsi-port", "" + iscsi, "--bind", "127.0.0.1",
                "--admin-password-file", pw.toString(), "--clean-hour", "-1"), System.err).childCommand());
        // RocksDB unpacks its native library into the temp directory; a killed JVM leaves it there
        cmd.add(1, "-Djava.io.tmpdir=" + dir);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile())).start();
        return new ServerJvm(p, http, s3, iscsi);
    }

    String api() {
        return "https://127.0.0.1:" + httpPort + "/api/v1";
    }

    String login() throws Exception {
        String token = Rest.loginWithin(api(), "admin", ADMIN_PASSWORD, Duration.ofSeconds(30));
        if (token == null) throw new AssertionError("cannot log in to " + api());
        return token;
    }

    /** SIGKILL: no shutdown hook, no close, no flush. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("server pid " + process.pid() + " outlived SIGKILL");
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill9();
    }

    private void awaitPorts(Duration d, Path log) throws Exception {
        long deadline = System.nanoTime() + d.toNanos();
        for (int port : new int[]{httpPort, s3Port, iscsiPort}) {
            while (!listening(port)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("server did not listen on port " + port + "; " + tail(log, 40));
                }
                Thread.sleep(100);
            }
        }
    }

    /** "the end of FILE:" and its last {@code n} lines, for a failure's message (or that it cannot be read). */
    static String tail(Path file, int n) {
        try {
            List<String> lines = Files.readAllLines(file);
            return "the end of " + file + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException e) {
            return "no " + file + " (" + e.getMessage() + ")";
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
