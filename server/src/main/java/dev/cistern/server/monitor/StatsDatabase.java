package dev.cistern.server.monitor;

import org.rrd4j.ConsolFun;
import org.rrd4j.DsType;
import org.rrd4j.core.FetchData;
import org.rrd4j.core.FetchRequest;
import org.rrd4j.core.RrdBackendFactory;
import org.rrd4j.core.RrdDb;
import org.rrd4j.core.RrdDef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The round-robin databases behind the charts, one rrd4j file per {@link Subject} under {@code <data>/stats/}.
 * Each keeps the raw samples for an hour, then averages per minute for two days, per hour for five weeks and per
 * day for two years, so the files never grow. The traffic counters are stored as DERIVE with a minimum of 0:
 * rrd4j turns them into bytes per second, and the drop to zero when the engine restarts becomes a gap rather
 * than a huge negative rate.
 *
 * <p>rrd4j refuses an update whose time is not after the last one; such a sample (two in the same second) is
 * dropped, which loses nothing a chart could show.
 */
public final class StatsDatabase implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StatsDatabase.class);
    /** Metric name in series and the data source behind it (rrd4j limits those names to 20 characters). */
    static final Map<String, String> METRICS = metrics();
    private static final long MINUTE = 60;
    private static final long HOUR = 3600;
    private static final long DAY = 86400;

    private final Path dir;
    private final long step;
    private final Map<String, RrdDb> open = new HashMap<>();

    /** @param stepSeconds the sampling interval; at least 1 */
    public StatsDatabase(Path dir, long stepSeconds) {
        if (stepSeconds < 1) throw new IllegalArgumentException("sampling step must be at least 1 second, got " + stepSeconds);
        this.dir = dir;
        this.step = stepSeconds;
    }

    private static Map<String, String> metrics() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("logicalBytes", "logical");
        m.put("uniqueBytes", "unique");
        m.put("storedBytes", "stored");
        m.put("freeBytes", "free");
        m.put("writeBytesPerSecond", "written");
        m.put("readBytesPerSecond", "read");
        return m;
    }

    /** Records one sample; false if it was dropped because the subject already has one at or after {@code at}. */
    public synchronized boolean record(Subject subject, Instant at, Sample s) {
        long t = at.getEpochSecond();
        try {
            RrdDb db = db(subject, t);
            if (t <= db.getLastUpdateTime()) return false;
            db.createSample(t).setValues(s.logicalBytes(), s.uniqueBytes(), s.storedBytes(),
                    s.freeBytes() < 0 ? Double.NaN : s.freeBytes(), s.bytesWritten(), s.bytesRead()).update();
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record statistics of " + subject.label() + " '" + subject.name()
                    + "' in " + dir.resolve(subject.fileName()) + ": " + e.getMessage()
                    + "; check free space and permissions of " + dir, e);
        }
    }

    /** The series of {@code subject} over {@code range} ending at {@code now}; all null if never recorded. */
    public synchronized Series series(Subject subject, ChartRange range, Instant now) {
        long end = now.getEpochSecond();
        long start = end - range.span().toSeconds();
        long resolution = Math.max(step, range.resolution().toSeconds());
        if (!Files.exists(dir.resolve(subject.fileName())) && !open.containsKey(subject.fileName())) {
            return empty(subject, range, start, end, resolution);
        }
        try {
            RrdDb db = db(subject, end);
            FetchRequest req = db.createFetchRequest(ConsolFun.AVERAGE, start, end, resolution);
            FetchData data = req.fetchData();
            List<Long> ts = new ArrayList<>();
            for (long x : data.getTimestamps()) ts.add(x);
            Map<String, List<Double>> values = new LinkedHashMap<>();
            for (var m : METRICS.entrySet()) values.put(m.getKey(), toList(data.getValues(m.getValue())));
            return new Series(subject.name(), range.wireName(), data.getStep(), ts, values);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read statistics of " + subject.label() + " '" + subject.name()
                    + "' from " + dir.resolve(subject.fileName()) + ": " + e.getMessage(), e);
        }
    }

    private Series empty(Subject subject, ChartRange range, long start, long end, long resolution) {
        List<Long> ts = new ArrayList<>();
        List<Double> nothing = new ArrayList<>();
        for (long t = start - start % resolution + resolution; t <= end; t += resolution) {
            ts.add(t);
            nothing.add(null);
        }
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (String m : METRICS.keySet()) values.put(m, nothing);
        return new Series(subject.name(), range.wireName(), resolution, ts, values);
    }

    private static List<Double> toList(double[] v) {
        List<Double> l = new ArrayList<>(v.length);
        for (double d : v) l.add(Double.isNaN(d) ? null : d);
        return l;
    }

    /**
     * The subject's open database. A new file is built beside its name and renamed into place, so a crash
     * or a full disk never leaves half a file under it; a file that does not open (damaged before this
     * version, or by hand) is moved aside and started again: its history is lost, the charts go on.
     */
    private RrdDb db(Subject subject, long now) throws IOException {
        RrdDb db = open.get(subject.fileName());
        if (db != null) return db;
        Files.createDirectories(dir);
        Path file = dir.resolve(subject.fileName());
        if (!Files.exists(file)) create(file, now);
        try {
            db = builder(file).build();
        } catch (IOException | RuntimeException damaged) {
            Path aside = file.resolveSibling(subject.fileName() + ".damaged");
            Files.move(file, aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            log.warn("statistics file {} does not open ({}); moved to {} and started again", file, damaged.getMessage(), aside);
            create(file, now);
            db = builder(file).build();
        }
        open.put(subject.fileName(), db);
        return db;
    }

    private static RrdDb.Builder builder(Path file) {
        return RrdDb.getBuilder().setPath(file.toString()).setBackendFactory(RrdBackendFactory.getFactory("FILE"));
    }

    private void create(Path file, long now) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            builder(tmp).setRrdDef(definition(tmp, now)).build().close();
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private RrdDef definition(Path file, long now) {
        RrdDef def = new RrdDef(file.toString(), now - 1, step);
        long heartbeat = Math.max(3 * step, 10);
        for (String ds : METRICS.values()) {
            boolean counter = ds.equals("written") || ds.equals("read");
            def.addDatasource(ds, counter ? DsType.DERIVE : DsType.GAUGE, heartbeat, 0, Double.NaN);
        }
        // rows per number of steps averaged: with a step of a minute or more the raw and the per-minute
        // archives are one (rrd4j refuses two of the same steps), kept as long as the longer of the two
        Map<Integer, Integer> rows = new java.util.TreeMap<>();
        rows.merge(1, (int) Math.max(2, HOUR / step), Math::max);
        rows.merge(steps(MINUTE), (int) (2 * DAY / Math.max(MINUTE, step)), Math::max);
        rows.merge(steps(HOUR), (int) (35 * DAY / Math.max(HOUR, step)), Math::max);
        rows.merge(steps(DAY), (int) Math.max(2, 730 * DAY / Math.max(DAY, step)), Math::max);
        rows.forEach((steps, n) -> def.addArchive(ConsolFun.AVERAGE, 0.5, steps, n));
        return def;
    }

    /** Closes and deletes the files of subjects not in {@code live} (deleted containers and groups). */
    public synchronized void forgetAllBut(java.util.Set<String> liveFileNames) {
        for (var it = open.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (liveFileNames.contains(e.getKey())) continue;
            try {
                e.getValue().close();
            } catch (IOException ignored) {
                // closing only releases the file
            }
            it.remove();
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.endsWith(".rrd") && !liveFileNames.contains(n)) Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            log.warn("cannot prune statistics files in {}: {}", dir, e.getMessage());
        }
    }

    private int steps(long seconds) {
        return (int) Math.max(1, seconds / step);
    }

    @Override
    public synchronized void close() {
        for (RrdDb db : open.values()) {
            try {
                db.close();
            } catch (IOException e) {
                // the file was synced by every update; a failed close loses nothing
            }
        }
        open.clear();
    }
}
