package dev.cistern.server;

import dev.cistern.server.service.Health;
import dev.cistern.server.service.Service;
import dev.cistern.server.service.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The options of 'cistern serve', including one --<protocol>-port per front end, and how ports wire services. */
class ServeCommandTest {
    @TempDir
    Path dir;

    /** A front end that only records where it would listen. */
    record EchoFrontEnd(int defaultPort) implements ProtocolFrontEnd {
        @Override
        public String protocol() {
            return "echo";
        }

        @Override
        public String description() {
            return "echo test protocol";
        }

        @Override
        public Service create(ServerContext context, InetSocketAddress address) {
            return new Service() {
                @Override
                public String name() {
                    return "echo";
                }

                @Override
                public void start() {
                }

                @Override
                public void stop() {
                }

                @Override
                public Health health() {
                    return Health.up("would listen on port " + address.getPort());
                }
            };
        }
    }

    private ServeCommand parse(String... args) {
        ServeCommand serve = new ServeCommand(ServeCommand::openEngine, List.of(new EchoFrontEnd(7777)), new PrintStream(PrintStream.nullOutputStream()));
        serve.commandLine().parseArgs(args);
        return serve;
    }

    @Test
    void defaultsServeProductionPorts() {
        ServerSettings s = parse().settings();
        assertThat(s.dataDir()).isEqualTo(Path.of("./cistern-data"));
        assertThat(s.httpPort()).isEqualTo(5233);
        assertThat(s.portOf("echo", -1)).isEqualTo(7777);
        assertThat(s.cleanHour()).isEqualTo(3);
        assertThat(s.passwordIterations()).isEqualTo(600_000);
    }

    @Test
    void eachFrontEndGetsAPortOption() {
        ServerSettings s = parse("--data", dir.toString(), "--http-port", "8443", "--echo-port", "0", "--clean-hour", "-1").settings();
        assertThat(s.httpPort()).isEqualTo(8443);
        assertThat(s.portOf("echo", 7777)).isZero();
        assertThat(s.cleanHour()).isEqualTo(-1);
        StringWriter help = new StringWriter();
        parse().commandLine().usage(new PrintWriter(help));
        // picocli wraps the description; compare it as one line
        assertThat(help.toString().replaceAll("\\s+", " ")).contains("--echo-port=N")
                .contains("Port of the echo test protocol; 0 disables it. Default: 7777");
    }

    @Test
    void badOptionsExitWithOneLine() {
        ServeCommand serve = new ServeCommand(ServeCommand::openEngine, List.of(), new PrintStream(PrintStream.nullOutputStream()));
        StringWriter err = new StringWriter();
        serve.commandLine().setErr(new PrintWriter(err));
        assertThat(serve.commandLine().execute("--http-port", "many")).isEqualTo(2);
        assertThat(err.toString().lines().toList()).hasSize(1);
        assertThat(err.toString()).startsWith("cistern serve: Invalid value for option '--http-port'");
    }

    @Test
    void aFrontEndOnPortZeroIsNotStarted() {
        EchoFrontEnd echo = new EchoFrontEnd(7777);
        ServerSettings on = ServerSettings.forTests(dir.resolve("a"));
        try (CisternServer s = CisternServer.start(on, d -> new FakeEngine(), List.of(echo))) {
            assertThat(s.services().statuses()).extracting(ServiceStatus::name).containsExactly("engine", "http", "echo", "monitor", "health");
            assertThat(s.services().statuses().get(2).health().message()).isEqualTo("would listen on port 7777");
        }
        ServerSettings off = new ServerSettings(dir.resolve("b"), "127.0.0.1", 0, java.util.Map.of("echo", 0), 1000, -1,
                on.watchInterval(), on.backoff(), on.clock());
        try (CisternServer s = CisternServer.start(off, d -> new FakeEngine(), List.of(echo))) {
            assertThat(s.services().statuses()).extracting(ServiceStatus::name).containsExactly("engine", "http", "monitor", "health");
        }
    }
}
