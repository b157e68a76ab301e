package dev.cistern.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * CPU time of this process's threads by kind (engine workers, the ingest thread, GC, JIT compilers,
 * RocksDB's background threads), from Linux's /proc/self/task: process CPU alone does not say whether
 * a slow step was the engine's work or the JVM's and RocksDB's own. Empty where /proc is not there.
 */
final class ThreadCpu {
    /** Clock ticks per second of /proc's times; 100 on every Linux the JDK supports. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ThreadCpu() {
    }

    /** Ticks used so far by each live thread, keyed by thread id and kind. */
    static Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tasks)) {
            for (Path t : ds) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
                    out.put(t.getFileName() + "/" + kind(name), ticks);
                } catch (IOException | RuntimeException e) {
                    // the thread ended between listing and reading: its time is not counted
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /**
     * CPU-seconds by kind since {@code before}, largest first, e.g. "engine workers 1.20, gc 0.10".
     * Threads that ended meanwhile (the file reader of a generation) are no longer in /proc: what the
     * process used beyond the live threads, {@code processCpuSeconds} minus their sum, is listed as such.
     */
    static String since(Map<String, Long> before, double processCpuSeconds) {
        Map<String, Long> byKind = new TreeMap<>();
        long live = 0;
        for (var e : snapshot().entrySet()) {
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (d > 0) byKind.merge(e.getKey().substring(e.getKey().indexOf('/') + 1), d, Long::sum);
            if (d > 0) live += d;
        }
        if (byKind.isEmpty()) return "(no /proc/self/task here)";
        long ended = Math.round(processCpuSeconds * TICKS_PER_SECOND) - live;
        if (ended > 0) byKind.merge("threads ended since", ended, Long::sum);
        return byKind.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() / TICKS_PER_SECOND))
                .collect(Collectors.joining(", "));
    }

    /** CPU-seconds the live threads of one kind ("jit", "gc", ...) used since {@code before}. */
    static double secondsOf(Map<String, Long> before, String kind) {
        long ticks = 0;
        for (var e : snapshot().entrySet()) {
            if (!e.getKey().endsWith("/" + kind)) continue;
            ticks += Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
        }
        return ticks / TICKS_PER_SECOND;
    }

    private static String kind(String threadName) {
        if (threadName.startsWith("cistern-ingest")) return "engine workers";
        if (threadName.startsWith("tree-reader")) return "file reader";
        if (threadName.startsWith("rocksdb")) return "rocksdb background";
        if (threadName.startsWith("C1 ") || threadName.startsWith("C2 ")) return "jit";
        if (threadName.startsWith("GC ") || threadName.startsWith("G1 ")) return "gc";
        if (threadName.startsWith("ForkJoinPool")) return "store stage";
        if (threadName.equals("java") || threadName.equals("main")) return "caller";
        return "other";
    }
}
