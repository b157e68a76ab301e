package dev.cistern.server.logs;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Service logs go to their own files, roll at the configured size into gzip files, and old ones are pruned. */
class ServiceLogsTest {
    @TempDir
    Path dir;

    @Test
    void eachServiceWritesItsOwnFile() throws IOException {
        LoggerContext ctx = context();
        ServiceLogs.configure(ctx, dir, LogPolicy.DEFAULT);
        ctx.getLogger("dev.cistern.engine.core.Recovery").info("engine says hello");
        ctx.getLogger("cistern.audit").info("user=admin POST /api/v1/containers -> 201");
        ctx.getLogger("dev.cistern.server.http.Router").info("http says hello");
        ctx.stop();
        assertThat(Files.readString(dir.resolve("engine.log"))).contains("engine says hello").doesNotContain("http says");
        assertThat(Files.readString(dir.resolve("audit.log"))).contains("user=admin POST /api/v1/containers -> 201");
        assertThat(Files.readString(dir.resolve("http.log"))).contains("http says hello");
    }

    @Test
    void aLineBreakInAMessageCannotForgeALogLine() throws IOException {
        // what POST /login {"user": "x\n... user=admin DELETE ..."} wrote to audit.log before: two lines
        LoggerContext ctx = context();
        ServiceLogs.configure(ctx, dir, LogPolicy.DEFAULT);
        ctx.getLogger("cistern.audit").info("user={} POST /api/v1/login -> 400",
                "x\r\n2026-12-07T00:00:00.000Z INFO  [virtual-1] cistern.audit - user=admin DELETE /api/v1/users/bob -> 204");
        ctx.getLogger("cistern.audit").info("user={} POST /api/v1/login -> 400", "x\u001b[2Jy");
        ctx.getLogger("dev.cistern.server.http.Router").error("failed", new IllegalStateException("boom"));
        ctx.stop();
        List<String> audit = Files.readAllLines(dir.resolve("audit.log"));
        assertThat(audit).hasSize(2);
        assertThat(audit.get(1)).as("terminal escapes are escaped too").contains("user=x\\u001b[2Jy");
        assertThat(audit.getFirst()).contains("user=x\\r\\n2026-12-07T00:00:00.000Z").endsWith("POST /api/v1/login -> 400");
        // stack traces keep their lines: they come from the exception, not the message
        assertThat(Files.readString(dir.resolve("http.log"))).contains("IllegalStateException: boom\n\tat ");
    }

    @Test
    void logsRollAtTheConfiguredSizeAreGzippedAndPrunedToTheCap() throws Exception {
        LoggerContext ctx = context();
        LogPolicy policy = new LogPolicy(2048, 7, 8 * 1024);
        Logger log = ctx.getLogger("test");
        log.addAppender(ServiceLogs.appender(ctx, dir, "engine", policy));
        java.util.Random random = new java.util.Random(5);
        String line = "";
        for (int round = 0; round < 40; round++) {
            for (int i = 0; i < 12; i++) {
                // random hex: compresses to about half, so rolled files have real size to prune
                line = java.util.HexFormat.of().formatHex(random.ints(100, 0, 256).collect(java.io.ByteArrayOutputStream::new,
                        (b, v) -> b.write(v), (a, b) -> a.writeBytes(b.toByteArray())).toByteArray());
                log.info("round {} line {} {}", round, i, line);
            }
            Thread.sleep(80); // logback checks the size at most every few dozen milliseconds
        }
        ctx.stop();
        List<Path> rolled = rolled();
        assertThat(rolled).as("rolled files in " + dir).isNotEmpty();
        for (Path p : rolled) {
            try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(p))) {
                assertThat(new String(in.readAllBytes())).contains("round ").contains(" line ");
            }
        }
        long total = 0;
        for (Path p : rolled) total += Files.size(p);
        assertThat(total).as("rolled bytes are pruned to about the cap").isLessThanOrEqualTo(8 * 1024 + 4096);
        assertThat(rolled.stream().map(p -> p.getFileName().toString()))
                .as("the oldest files are the ones pruned").noneMatch(n -> n.matches("engine\\.\\d{4}-\\d\\d-\\d\\d\\.0\\.log\\.gz"));
        assertThat(Files.size(dir.resolve("engine.log"))).isLessThan(2048 + 12 * 300);
    }

    /** A private logging context, so the test neither sees nor disturbs the JVM's logging. */
    private static LoggerContext context() {
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        ctx.start();
        return ctx;
    }

    private List<Path> rolled() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".log.gz")).sorted().toList();
        }
    }
}
