package dev.cistern.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import dev.cistern.server.logs.OneLineMessage;
import dev.cistern.server.logs.ServiceLogs;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Logging for {@code cistern serve}, set up in code because the log directory comes from {@code --data}:
 * INFO and above, one line per event ({@link dev.cistern.server.logs.OneLineMessage}), to
 * {@code <data>/logs/cistern.log} (rolled daily or at 50 MB, 14 days and 1 GB kept) and to stderr. The CLI, in the same jar, never calls this and so never writes a log.
 */
public final class LogSetup {
    private LogSetup() {
    }

    public static void configure(Path logDir) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();

        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(ctx);
        file.setName("file");
        file.setFile(logDir.resolve("cistern.log").toString());
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(ctx);
        policy.setParent(file);
        policy.setFileNamePattern(logDir.resolve("cistern.%d{yyyy-MM-dd}.%i.log.gz").toString());
        policy.setMaxFileSize(FileSize.valueOf("50MB"));
        policy.setMaxHistory(14);
        policy.setTotalSizeCap(FileSize.valueOf("1GB"));
        policy.start();
        file.setRollingPolicy(policy);
        file.setEncoder(encoder(ctx));
        file.start();

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(ctx);
        console.setName("console");
        console.setTarget("System.err");
        console.setEncoder(encoder(ctx));
        console.start();

        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(file);
        root.addAppender(console);
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext ctx) {
        return OneLineMessage.encoder(ctx, ServiceLogs.PATTERN);
    }
}
