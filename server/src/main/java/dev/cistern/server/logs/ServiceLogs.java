package dev.cistern.server.logs;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives every service its own rolling log file beside the server's combined {@code cistern.log}, plus
 * {@code audit.log} of every administrative request. Each file rolls daily and when it reaches
 * {@link LogPolicy#maxFileSize()}; rolled files are gzipped, kept {@link LogPolicy#maxHistoryDays()} days and
 * pruned oldest first beyond {@link LogPolicy#totalSizeCap()}.
 *
 * <p>A service's file collects the loggers of its packages: an appender on a logger receives its descendants'
 * events too, and additivity stays on, so everything still reaches {@code cistern.log}.
 */
public final class ServiceLogs {
    /** File name (without ".log") → logger names whose events it collects. */
    public static final Map<String, List<String>> FILES = files();
    /** One line per event ({@link OneLineMessage}), a stack trace after it. */
    public static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";

    private ServiceLogs() {
    }

    private static Map<String, List<String>> files() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("engine", List.of("dev.cistern.engine", "dev.cistern.server.jobs", "dev.cistern.server.service.EngineService"));
        m.put("http", List.of("dev.cistern.server.http"));
        m.put("s3", List.of("dev.cistern.s3"));
        m.put("iscsi", List.of("dev.cistern.iscsi", "dev.cistern.vtl"));
        m.put("monitor", List.of("dev.cistern.server.monitor"));
        m.put("health", List.of("dev.cistern.server.health", "dev.cistern.server.mgmt"));
        m.put("watcher", List.of("dev.cistern.server.service.ServiceWatcher", "dev.cistern.server.service.ServiceRegistry"));
        m.put("audit", List.of("cistern.audit"));
        return m;
    }

    /**
     * Adds the per-service appenders to {@code ctx} (after {@code LogSetup} configured the combined log) and routes
     * java.util.logging, which the engine uses, into them ({@link JulBridge}).
     */
    public static void configure(LoggerContext ctx, Path dir, LogPolicy policy) {
        JulBridge.install();
        for (var e : FILES.entrySet()) {
            RollingFileAppender<ILoggingEvent> a = appender(ctx, dir, e.getKey(), policy);
            for (String logger : e.getValue()) ctx.getLogger(logger).addAppender(a);
        }
    }

    /** One size- and time-rolled, gzipping appender writing {@code dir/name.log}; started. */
    public static RollingFileAppender<ILoggingEvent> appender(LoggerContext ctx, Path dir, String name, LogPolicy policy) {
        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(ctx);
        file.setName("file-" + name);
        file.setFile(dir.resolve(name + ".log").toString());
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> rolling = new SizeAndTimeBasedRollingPolicy<>();
        rolling.setContext(ctx);
        rolling.setParent(file);
        rolling.setFileNamePattern(dir.resolve(name + ".%d{yyyy-MM-dd}.%i.log.gz").toString());
        rolling.setMaxFileSize(new FileSize(policy.maxFileSize()));
        rolling.setMaxHistory(policy.maxHistoryDays());
        rolling.setTotalSizeCap(new FileSize(policy.totalSizeCap()));
        rolling.start();
        file.setRollingPolicy(rolling);
        file.setEncoder(OneLineMessage.encoder(ctx, PATTERN));
        file.start();
        return file;
    }

    /** The logger a service's file is named after, for tests and for 'cistern logs --service'. */
    public static Logger logger(LoggerContext ctx, String file) {
        return ctx.getLogger(FILES.get(file).getFirst());
    }
}
