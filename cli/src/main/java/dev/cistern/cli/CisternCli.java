package dev.cistern.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.util.concurrent.Callable;

/**
 * {@code cistern}: administers a Cistern server over its REST API only (it has no engine inside). The server
 * comes from {@code --server} or {@code CISTERN_SERVER}; credentials from {@code CISTERN_USER} and
 * {@code CISTERN_PASSWORD} or a saved {@code cistern login}. Every error is one line {@code cistern: <reason>}
 * on stderr with a non-zero exit code (see {@link CliException}).
 */
@Command(name = "cistern", mixinStandardHelpOptions = true, versionProvider = CisternCli.Version.class,
        description = "Administer a Cistern deduplicating backup storage server.",
        subcommands = {LoginCommand.class, LogoutCommand.class, StorageGroupCommand.class, ContainerCommand.class,
                StatsCommand.class, CleanCommand.class, VerifyCommand.class, JobCommand.class, UserCommand.class,
                SystemCommand.class, S3KeyCommand.class, IscsiCommand.Lun.class, IscsiCommand.Iscsi.class, CartridgeCommand.class,
                AlertsCommand.class, EventsCommand.class, LogsCommand.class})
public final class CisternCli implements Callable<Integer> {
    public static final String DEFAULT_SERVER = "https://127.0.0.1:5233";

    @Option(names = "--server", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = {"Server URL.", "Default: $CISTERN_SERVER, else " + DEFAULT_SERVER})
    String server;

    @Option(names = "--insecure", scope = ScopeType.INHERIT,
            description = "Accept any server certificate (no pinning). For throw-away test servers only.")
    boolean insecure;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the server's JSON instead of tables.")
    boolean json;

    final CliEnvironment env;

    CisternCli(CliEnvironment env) {
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(run(args, CliEnvironment.system()));
    }

    /** Runs one command line; returns the exit code. */
    public static int run(String[] args, CliEnvironment env) {
        CommandLine cmd = new CommandLine(new CisternCli(env));
        cmd.setOut(new java.io.PrintWriter(env.out(), true));
        cmd.setErr(new java.io.PrintWriter(env.err(), true));
        cmd.setParameterExceptionHandler((ex, a) -> {
            env.err().println("cistern: " + ex.getMessage() + " (see 'cistern --help')");
            return CliException.USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof CliException ce) {
                env.err().println("cistern: " + ce.getMessage());
                return ce.exitCode();
            }
            // one line still: a malformed answer from something that is not Cistern, or a bug of ours
            env.err().println("cistern: unexpected " + ApiClient.oneLine(ex.toString()));
            return CliException.FAILED;
        });
        return cmd.execute(args);
    }

    /** The server URL to talk to, without a trailing slash. */
    String serverUrl() {
        String s = server != null ? server : env.get("CISTERN_SERVER");
        if (s == null) s = DEFAULT_SERVER;
        if (!s.startsWith("https://")) {
            throw new CliException(CliException.USAGE, "server URL '" + s + "' must start with https://");
        }
        String url = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        try {
            java.net.URI u = new java.net.URI(url);
            if (u.getHost() == null || u.getPort() > 65535 || (u.getPath() != null && !u.getPath().isEmpty())) {
                throw new java.net.URISyntaxException(url, "needs a host and at most a port, e.g. https://backup1:5233");
            }
        } catch (java.net.URISyntaxException e) {
            throw new CliException(CliException.USAGE, "server URL '" + s + "' is not valid: " + e.getReason());
        }
        return url;
    }

    @Override
    public Integer call() {
        throw new CliException(CliException.USAGE, "missing command; see 'cistern --help'");
    }

    /** Picocli's --version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CisternCli.class.getPackage().getImplementationVersion();
            return new String[]{"cistern " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
