package dev.cistern.server;

import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.Engines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.io.Console;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * {@code cistern serve}: runs the server in the foreground until SIGTERM/SIGINT. Starts with zero
 * configuration: the data directory, the certificate and an admin password are made at first start.
 * Each protocol front end of {@link ProtocolFrontEnds} adds a {@code --<protocol>-port N} option (0 disables it).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the Cistern server (REST API on HTTPS, engine, protocol front ends) in the foreground.")
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "./cistern-data",
            description = "Data directory (engine, config, certificate, logs). Default: ${DEFAULT-VALUE}")
    Path data;

    @Option(names = "--admin-password-file", paramLabel = "FILE",
            description = "Set the password of user 'admin' from the first line of FILE (created if missing).")
    Path adminPasswordFile;

    @Option(names = "--init", description = "Ask on the terminal for the password of user 'admin', then serve.")
    boolean init;

    @Option(names = "--http-port", paramLabel = "N", defaultValue = "" + ServerSettings.DEFAULT_HTTP_PORT,
            description = "HTTPS port of the REST API. Default: ${DEFAULT-VALUE}")
    int httpPort;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "Address every listener binds to. Default: ${DEFAULT-VALUE} (all interfaces)")
    String bind;

    @Option(names = "--clean-hour", paramLabel = "H", defaultValue = "3",
            description = "Hour (0-23, local time) of the daily clean; -1 disables it. Default: ${DEFAULT-VALUE}")
    int cleanHour;

    private final Function<Path, Engine> engineOpener;
    private final List<ProtocolFrontEnd> frontEnds;
    private final PrintStream out;
    private CommandLine commandLine;

    public ServeCommand(Function<Path, Engine> engineOpener, List<ProtocolFrontEnd> frontEnds, PrintStream out) {
        this.engineOpener = engineOpener;
        this.frontEnds = frontEnds;
        this.out = out;
    }

    /** Parses {@code args} and serves the real engine until the JVM is asked to stop; returns the exit code. */
    public static int run(String[] args) {
        return run(args, ServeCommand::openEngine);
    }

    /** The production engine on {@code dir}. */
    public static Engine openEngine(Path dir) {
        return Engines.open(EngineConfig.defaults(dir));
    }

    /** Like {@link #run(String[])} with another engine (tests). */
    public static int run(String[] args, Function<Path, Engine> engineOpener) {
        ServeCommand serve = new ServeCommand(engineOpener, ProtocolFrontEnds.all(), System.out);
        return serve.commandLine().execute(args);
    }

    /** The picocli command with one {@code --<protocol>-port} option per front end. */
    public CommandLine commandLine() {
        if (commandLine != null) return commandLine;
        CommandLine cmd = new CommandLine(this);
        for (ProtocolFrontEnd fe : frontEnds) {
            cmd.getCommandSpec().addOption(OptionSpec.builder("--" + fe.protocol() + "-port")
                    .paramLabel("N").type(int.class).defaultValue(String.valueOf(fe.defaultPort()))
                    .description("Port of the " + fe.description() + "; 0 disables it. Default: ${DEFAULT-VALUE}").build());
        }
        cmd.setParameterExceptionHandler((ex, a) -> {
            cmd.getErr().println("cistern serve: " + ex.getMessage() + " (see 'cistern serve --help')");
            return 2;
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("cistern serve: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 1;
        });
        commandLine = cmd;
        return cmd;
    }

    /** The settings the parsed options describe. */
    ServerSettings settings() {
        Map<String, Integer> ports = new HashMap<>();
        for (ProtocolFrontEnd fe : frontEnds) {
            Integer p = commandLine().getCommandSpec().findOption("--" + fe.protocol() + "-port").getValue();
            if (p < 0 || p > 65535) {
                throw new CommandLine.ParameterException(commandLine(), "--" + fe.protocol() + "-port must be 0-65535, got " + p);
            }
            ports.put(fe.protocol(), p);
        }
        ServerSettings d = ServerSettings.defaults(data);
        return new ServerSettings(data, bind, httpPort, ports, d.passwordIterations(), cleanHour, d.watchInterval(),
                d.backoff(), d.clock());
    }

    @Override
    public Integer call() throws Exception {
        ServerSettings settings = settings();
        String tightened = DataLayout.createPrivate(data);
        if (tightened != null) out.println("Cistern: " + tightened);
        // first of all: a second server on this directory must change nothing (not the logs, the events,
        // nor the admin's password) before the engine's own lock would refuse it
        try (java.nio.channels.FileChannel lockFile = java.nio.channels.FileChannel.open(data.resolve("cistern.lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock lock;
            try {
                lock = lockFile.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException sameJvm) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("another Cistern server is using " + data.toAbsolutePath()
                        + "; stop it first (or give this one another --data directory)");
            }
            return serve(settings);
        }
    }

    private int serve(ServerSettings settings) throws Exception {
        DataLayout layout = new DataLayout(data);
        LogSetup.configure(layout.logDir());
        dev.cistern.server.logs.ServiceLogs.configure((ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory(),
                layout.logDir(), dev.cistern.server.logs.LogPolicy.DEFAULT);
        CisternServer server = CisternServer.create(settings, engineOpener, frontEnds);
        AdminBootstrap admin = new AdminBootstrap(server.config(), out);
        if (adminPasswordFile != null) admin.fromFile(adminPasswordFile);
        if (init) admin.fromPrompt(ServeCommand::prompt);
        admin.generateIfNoUsers();
        server.start();
        boolean all = bind.equals("0.0.0.0") || bind.equals("::");
        out.println("Cistern serving " + layout.root() + " on https://" + (all ? "127.0.0.1" : bind) + ":"
                + server.httpPort() + "/api/v1" + (all ? " (and every other address of this machine)" : ""));
        out.println("Certificate SHA-256 " + server.tls().fingerprint());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(() -> {
            server.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }

    private static char[] prompt(String question) {
        Console c = System.console();
        return c == null ? null : c.readPassword("%s", question);
    }
}
