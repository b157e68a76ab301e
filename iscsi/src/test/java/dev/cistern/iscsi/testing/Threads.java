package dev.cistern.iscsi.testing;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Counts threads by name, virtual ones included (the thread MXBean sees platform threads only). */
public final class Threads {
    private Threads() {
    }

    /** Live threads whose name starts with {@code prefix}, from a JSON thread dump. */
    public static long named(String prefix) {
        try {
            Path dir = Files.createTempDirectory("threads");
            Path dump = dir.resolve("dump.json");
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                try (var lines = Files.lines(dump)) {
                    return lines.filter(l -> l.contains("\"name\": \"" + prefix)).count();
                }
            } finally {
                Files.deleteIfExists(dump);
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
