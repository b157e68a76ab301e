package dev.cistern.server.health;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.cistern.server.DurableFile;
import dev.cistern.server.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The alerts and events database under {@code <data>/health/}.
 * <ul>
 *   <li>{@code alerts.json}: all alerts, rewritten whole (temp file, fsync, rename) on each change, so a crash
 *   leaves the old or the new file, never half of one. Small by construction: alerts are deduplicated by key and
 *   cleared ones are pruned after the retention.</li>
 *   <li>{@code events.jsonl}: one JSON event per line, appended and synced, so recording an event costs one short
 *   write however long the history. A crash can tear only the last line, which loading skips. The file is
 *   compacted (rewritten like alerts.json) by {@link #prune} and when it holds twice {@code maxEvents} lines.</li>
 * </ul>
 */
public final class HealthStore {
    private static final Logger log = LoggerFactory.getLogger(HealthStore.class);

    private final Path dir;
    private final Clock clock;
    private final Duration retention;
    private final int maxEvents;
    private final List<Alert> alerts;
    private final List<Event> events;
    private static final String EVENTS = "events.jsonl";
    private volatile Consumer<Alert> onRaise = a -> { };
    private int linesInFile;
    private long nextAlertId;
    /** Alerts changed in memory that could not be saved yet. */
    private boolean alertsUnsaved;
    private long nextEventId;

    public HealthStore(Path dir, Clock clock, Duration retention, int maxEvents) {
        this.dir = dir;
        this.clock = clock;
        this.retention = retention;
        this.maxEvents = maxEvents;
        this.alerts = new ArrayList<>(read(dir.resolve("alerts.json"), new TypeReference<List<Alert>>() { }));
        this.events = new ArrayList<>(readLines(dir.resolve(EVENTS)));
        this.linesInFile = events.size();
        while (events.size() > maxEvents) events.removeFirst();
        nextEventId = events.stream().mapToLong(Event::id).max().orElse(0) + 1;
        // a torn last line would swallow the next append: rewrite the file from what could be read
        if (!endsCleanly(dir.resolve(EVENTS), linesInFile)) compactEvents();
        nextAlertId = alerts.stream().mapToLong(Alert::id).max().orElse(0) + 1;
    }

    /** Called (outside the store's lock) for every newly raised alert: the webhook. */
    public void onRaise(Consumer<Alert> listener) {
        this.onRaise = listener;
    }

    /**
     * Raises the alert {@code key}, or refreshes it if it is already open (not cleared). An acknowledged alert
     * whose condition still holds stays acknowledged: acknowledging means "I know", not "it is fixed".
     *
     * @return the alert if this call raised a new one
     */
    public Optional<Alert> raise(String key, Alert.Severity severity, String message) {
        Alert raised;
        synchronized (this) {
            Instant now = clock.instant();
            for (int i = 0; i < alerts.size(); i++) {
                Alert a = alerts.get(i);
                if (a.key().equals(key) && a.clearedAt() == null) {
                    alerts.set(i, a.seen(now, message, severity));
                    if (!a.message().equals(message) || a.severity() != severity) saveAlerts();
                    return Optional.empty();
                }
            }
            raised = new Alert(nextAlertId++, key, severity, message, now, now, null, null, null);
            alerts.add(raised);
            saveAlerts();
            try {
                addEvent(now, "alert", null, severity.wireName() + ": " + message);
            } catch (RuntimeException e) {
                log.error("cannot record the event of alert {}: {}", raised.id(), e.getMessage()); // logged and sent below
            }
        }
        log.warn("alert {} raised ({}): {}", raised.id(), severity.wireName(), message);
        onRaise.accept(raised);
        return Optional.of(raised);
    }

    /** Marks the open alert {@code key} cleared, if there is one. */
    public synchronized void clear(String key) {
        Instant now = clock.instant();
        for (int i = 0; i < alerts.size(); i++) {
            Alert a = alerts.get(i);
            if (a.key().equals(key) && a.clearedAt() == null) {
                alerts.set(i, a.cleared(now));
                saveAlerts();
                log.info("alert {} cleared: {}", a.id(), a.message());
                return;
            }
        }
    }

    /** Acknowledges alert {@code id}; empty if there is no such alert. Acknowledging twice keeps the first. */
    public synchronized Optional<Alert> acknowledge(long id, String user) {
        for (int i = 0; i < alerts.size(); i++) {
            Alert a = alerts.get(i);
            if (a.id() != id) continue;
            if (a.acknowledgedAt() != null) return Optional.of(a);
            Alert acked = a.acknowledged(clock.instant(), user);
            alerts.set(i, acked);
            saveAlerts();
            addEvent(clock.instant(), "alert", user, "acknowledged alert " + id + ": " + a.message());
            return Optional.of(acked);
        }
        return Optional.empty();
    }

    /** Newest first. */
    public synchronized List<Alert> alerts() {
        return List.copyOf(alerts.reversed());
    }

    public synchronized void event(String type, String user, String message) {
        addEvent(clock.instant(), type, user, message);
    }

    /** Newest first, at most {@code limit}, of {@code type} (null: any). */
    public synchronized List<Event> events(String type, int limit) {
        return events.reversed().stream().filter(e -> type == null || e.type().equals(type)).limit(limit).toList();
    }

    /** Drops events older than the retention or beyond the maximum count, and cleared alerts past the retention. */
    public synchronized void prune() {
        Instant cutoff = clock.instant().minus(retention);
        int before = events.size();
        events.removeIf(e -> e.at().isBefore(cutoff));
        while (events.size() > maxEvents) events.removeFirst();
        if (events.size() != before || linesInFile != events.size()) compactEvents();
        if (alerts.removeIf(a -> a.clearedAt() != null && a.clearedAt().isBefore(cutoff))) saveAlerts();
    }

    private void addEvent(Instant at, String type, String user, String message) {
        Event e = new Event(nextEventId++, at, type, user, message);
        events.add(e);
        while (events.size() > maxEvents) events.removeFirst();
        if (linesInFile + 1 >= 2 * maxEvents) {
            compactEvents();
            return;
        }
        Path file = dir.resolve(EVENTS);
        try {
            Files.createDirectories(dir);
            byte[] line = (Json.mapper().writeValueAsString(e) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(line);
                while (b.hasRemaining()) ch.write(b);
                ch.force(false);
            }
            linesInFile++;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot append to " + file + ": " + ex.getMessage()
                    + "; check free space and permissions of " + dir, ex);
        }
    }

    /**
     * Saves the alerts; on failure (a full disk: the condition alerts are for) keeps them in memory, logs,
     * and saves them again at the next change or check, so the alert is still listed, logged and sent to
     * the webhook, and the other checks still run. The file is replaced atomically: the old one stays whole.
     */
    private void saveAlerts() {
        try {
            write(dir.resolve("alerts.json"), alerts);
            if (alertsUnsaved) log.info("alerts saved again after an earlier failure");
            alertsUnsaved = false;
        } catch (RuntimeException e) {
            if (!alertsUnsaved) log.error("cannot save alerts; kept in memory and saved at the next change: {}", e.getMessage());
            alertsUnsaved = true;
        }
    }

    /** Saves alerts that an earlier save could not (see {@link #saveAlerts}). */
    public synchronized void saveIfUnsaved() {
        if (alertsUnsaved) saveAlerts();
    }

    private void compactEvents() {
        StringBuilder sb = new StringBuilder();
        try {
            for (Event e : events) sb.append(Json.mapper().writeValueAsString(e)).append('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode events: " + e.getMessage(), e);
        }
        writeBytes(dir.resolve(EVENTS), sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        linesInFile = events.size();
    }

    /** True if the file is missing, or ends with a newline and holds exactly {@code parsed} non-blank lines. */
    private static boolean endsCleanly(Path file, int parsed) {
        if (!Files.exists(file)) return true;
        try {
            String text = readLenient(file);
            return (text.isEmpty() || text.endsWith("\n")) && text.lines().filter(l -> !l.isBlank()).count() == parsed;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The file's text, bytes that are not UTF-8 replaced: a crash can tear the last line inside a
     * character (an alert naming a path in French), and that line is then skipped, not the start refused.
     */
    private static String readLenient(Path file) throws IOException {
        return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE)
                .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    }

    /** The events of a JSON-lines file; a line that does not parse (a write torn by a crash) is skipped. */
    private static List<Event> readLines(Path file) {
        if (!Files.exists(file)) return List.of();
        List<Event> out = new ArrayList<>();
        try {
            List<String> lines = readLenient(file).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) continue;
                try {
                    out.add(Json.mapper().readValue(lines.get(i), Event.class));
                } catch (IOException e) {
                    log.warn("skipping unreadable line {} of {} (torn by a crash?): {}", i + 1, file, e.getMessage());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage()
                    + "; move the file away to start with an empty history", e);
        }
    }

    private static <T> List<T> read(Path file, TypeReference<List<T>> type) {
        if (!Files.exists(file)) return List.of();
        try {
            return Json.mapper().readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage()
                    + "; move the file away to start with an empty history", e);
        }
    }

    private static void write(Path file, Object value) {
        try {
            writeBytes(file, Json.mapper().writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    private static void writeBytes(Path file, byte[] bytes) {
        try {
            DurableFile.replace(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save " + file + ": " + e.getMessage()
                    + "; check free space and permissions of " + file.getParent(), e);
        }
    }
}
