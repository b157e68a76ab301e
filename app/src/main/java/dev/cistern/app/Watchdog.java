package dev.cistern.app;

import dev.cistern.server.ServeCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cistern watch [serve options]}: runs {@code cistern serve} in a child JVM and starts it again when it
 * dies, waiting 1 s, then 2 s, 4 s... up to 60 s between attempts; a child that ran for 10 minutes resets the
 * delay. The child's output goes to this process's, so a service manager's journal gets both. SIGTERM (or
 * Ctrl-C) stops the child cleanly and ends the watch; a child that exits with 0 (stopped on purpose) ends it too.
 *
 * <p>The restarted server finds the marker its predecessor left ({@code health/running}) and raises an
 * "unclean shutdown" alert, so the crash is recorded in the alerts and events database as well as here.
 * The systemd unit {@code app/src/main/dist/cistern.service} runs this command.
 */
public final class Watchdog {
    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofSeconds(60);
    static final Duration STABLE = Duration.ofMinutes(10);

    private final List<String> serveArgs;
    private final PrintStream log;
    private volatile boolean stopping;
    private volatile Process child;
    /**
     * Held to start a child and to stop: a stop that came between the check of {@link #stopping} and
     * the start, or between the start and {@link #child} being set, left that server running on its
     * own after the watch ended (and holding the data directory's lock).
     */
    private final Object spawnLock = new Object();

    Watchdog(List<String> serveArgs, PrintStream log) {
        this.serveArgs = List.copyOf(serveArgs);
        this.log = log;
    }

    public static int run(String[] args) {
        for (String a : args) {
            // answered here: a child started with 'serve --help' printed serve's usage and then the watch
            // reported it as a server that "stopped normally"
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println("Usage: cistern watch [SERVE OPTIONS]");
                System.out.println("Runs 'cistern serve' with these options in a child JVM and starts it again when it dies"
                        + " (after 1 s, 2 s, 4 s... up to 60 s); not after a clean stop or when it refuses its options."
                        + " SIGTERM stops the server and the watch. The options are serve's:");
                System.out.println();
                return ServeCommand.run(new String[] {"--help"});
            }
            if (a.equals("-V") || a.equals("--version")) return ServeCommand.run(new String[] {"--version"});
        }
        Watchdog w = new Watchdog(List.of(args), System.err);
        Runtime.getRuntime().addShutdownHook(new Thread(w::stop, "watch-shutdown"));
        return w.watch();
    }

    /** The command line of a child: this JVM's java, class path and main class, with {@code serve}. */
    List<String> childCommand() {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // the same native library path: RocksDB's library unpacked once, not into /tmp at every respawn
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        // the server's heap and collector, from the launcher: the watcher's own JVM is a small one
        String serverJvm = System.getProperty("cistern.server.jvm", "").strip();
        if (!serverJvm.isEmpty()) cmd.addAll(List.of(serverJvm.split("\\s+")));
        cmd.addAll(List.of("-Djava.library.path=" + System.getProperty("java.library.path"), "-cp",
                System.getProperty("java.class.path"), CisternMain.class.getName(), "serve"));
        cmd.addAll(serveArgs);
        return cmd;
    }

    /** Runs children until stopped or one exits cleanly; returns the exit code for the watch itself. */
    int watch() {
        Duration delay = FIRST_DELAY;
        int starts = 0;
        while (!stopping) {
            long began = System.nanoTime();
            int code;
            try {
                Process p;
                synchronized (spawnLock) {
                    if (stopping) break;
                    starts++;
                    p = new ProcessBuilder(childCommand()).inheritIO().start();
                    child = p;
                }
                log.println("cistern watch: started server (pid " + p.pid() + ", start " + starts + ")");
                code = p.waitFor();
            } catch (IOException e) {
                log.println("cistern watch: cannot start the server: " + e.getMessage() + "; check the java installation");
                return 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                return 0;
            }
            if (stopping) break;
            if (code == 0) {
                log.println("cistern watch: the server stopped normally; not restarting");
                return 0;
            }
            if (code == 2 && starts == 1) {
                log.println("cistern watch: the server refused its options (exit 2); fix them, not restarting");
                return 2;
            }
            if (Duration.ofNanos(System.nanoTime() - began).compareTo(STABLE) >= 0) delay = FIRST_DELAY;
            log.println("cistern watch: the server died (exit " + code + "); restarting in " + delay.toMillis() + " ms");
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
            delay = delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.multipliedBy(2);
        }
        return 0;
    }

    /** Stops the watch and its child: SIGTERM, then SIGKILL after 30 s. */
    void stop() {
        Process p;
        synchronized (spawnLock) {
            stopping = true;
            p = child;
        }
        if (p == null || !p.isAlive()) return;
        p.destroy();
        try {
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    /** The running child, for tests. */
    Process child() {
        return child;
    }
}
