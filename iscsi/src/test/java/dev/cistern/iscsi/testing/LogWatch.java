package dev.cistern.iscsi.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what Cistern's classes log at WARNING or above, with the exception, while open. */
public final class LogWatch extends Handler implements AutoCloseable {
    private final List<String> records = new CopyOnWriteArrayList<>();

    public LogWatch() {
        Logger.getLogger("").addHandler(this);
    }

    /** Each record as "LEVEL logger: message exception". */
    public List<String> records() {
        return records;
    }

    @Override
    public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.WARNING.intValue() && r.getLoggerName() != null
                && r.getLoggerName().startsWith("dev.cistern")) {
            records.add(r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()
                    + (r.getThrown() == null ? "" : " " + r.getThrown()));
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
