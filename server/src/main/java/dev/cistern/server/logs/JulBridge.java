package dev.cistern.server.logs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * Sends java.util.logging records (the engine and the S3 front end log through it, keeping those modules free of
 * logging dependencies) to SLF4J, so they land in {@code cistern.log} and in their service's file like everything
 * else, instead of on stderr in JUL's own format. Installing replaces the JUL root logger's handlers.
 */
public final class JulBridge extends Handler {

    /** Routes all JUL logging at INFO and above through SLF4J. */
    public static void install() {
        java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) root.removeHandler(h);
        root.addHandler(new JulBridge());
        root.setLevel(Level.INFO);
    }

    @Override
    public void publish(LogRecord r) {
        if (r == null || !isLoggable(r)) return;
        Logger log = LoggerFactory.getLogger(r.getLoggerName() == null ? "jul" : r.getLoggerName());
        String msg = r.getMessage();
        if (msg != null && r.getParameters() != null && r.getParameters().length > 0) {
            try {
                msg = java.text.MessageFormat.format(msg, r.getParameters());
            } catch (IllegalArgumentException e) {
                // not a MessageFormat pattern: log it as written
            }
        }
        int level = r.getLevel().intValue();
        Throwable t = r.getThrown();
        if (level >= Level.SEVERE.intValue()) log.error(msg, t);
        else if (level >= Level.WARNING.intValue()) log.warn(msg, t);
        else if (level >= Level.INFO.intValue()) log.info(msg, t);
        else if (level >= Level.FINE.intValue()) log.debug(msg, t);
        else log.trace(msg, t);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
