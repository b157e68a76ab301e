package dev.cistern.server.http;

import dev.cistern.server.DurableFile;
import dev.cistern.server.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The addresses each user name logged in from successfully, with when it last did: what {@link LoginThrottle}
 * lets through during a name's back-off. At most {@code perName} addresses per name (the least recently used
 * goes first), forgotten {@code keepFor} after their last login, at most {@link LoginThrottle#MAX_TRACKED} names.
 *
 * <p>With a file ({@link #load}) they survive a restart, or a restart would make the admin lockable again. The
 * file ({@code config/known-logins.json}) is rewritten whole ({@link DurableFile}: a temporary file, fsynced,
 * renamed over the old one, the directory fsynced), so a crash leaves the old or the new list. It is written when an address is added and
 * when a refreshed one was last written more than {@link #REFRESH_EVERY} ago (a restart may so forget it up to
 * that much early), not on every login. It is a convenience, not a secret or a configuration: a missing,
 * unreadable or corrupt file is logged and treated as empty, and a failed write is logged and the login goes on.
 */
public final class KnownLogins {
    private static final Logger log = LoggerFactory.getLogger(KnownLogins.class);
    static final Duration REFRESH_EVERY = Duration.ofDays(1);
    static final int FORMAT = 1;
    /**
     * The largest file read at start. The server writes at most {@link LoginThrottle#MAX_TRACKED} names of
     * {@link LoginThrottle#KNOWN_PER_NAME} addresses, about 100 bytes each: some 16 MiB. A larger file is not
     * its own, and parsing it would hold all of it in memory before the bounds apply.
     */
    static final long MAX_FILE_BYTES = 64L << 20;

    /** The file: {@code names} maps a user name to its addresses and when each last logged in. */
    record Saved(int format, Map<String, Map<String, Instant>> names) {
    }

    private final Clock clock;
    private final int perName;
    private final Duration keepFor;
    private final Path file; // null: in memory only
    private final Predicate<String> userExists;
    private final Map<String, Map<String, Instant>> names = BackOff.bounded(LoginThrottle.MAX_TRACKED);
    private final Map<String, Map<String, Instant>> written = new LinkedHashMap<>(); // as last saved, for REFRESH_EVERY

    private KnownLogins(Clock clock, int perName, Duration keepFor, Path file, Predicate<String> userExists) {
        this.clock = clock;
        this.perName = perName;
        this.keepFor = keepFor;
        this.file = file;
        this.userExists = userExists;
    }

    /** Kept in memory only: a restart forgets them. */
    public static KnownLogins inMemory(Clock clock, int perName, Duration keepFor) {
        return new KnownLogins(clock, perName, keepFor, null, name -> true);
    }

    /**
     * Reads {@code file}, dropping addresses older than {@code keepFor} and names {@code userExists} denies (a
     * user deleted while the file could not be written); a missing file is an empty list, an unreadable one
     * is logged and ignored. A time after now (written while the clock ran ahead, or by hand) is read as now,
     * and written back so: the address is known {@code keepFor} from this start, not for the clock's error on
     * top, nor again from each later start.
     */
    public static KnownLogins load(Path file, Clock clock, int perName, Duration keepFor, Predicate<String> userExists) {
        KnownLogins k = new KnownLogins(clock, perName, keepFor, file, userExists);
        Saved saved = read(file);
        if (saved == null) return k;
        Instant now = clock.instant();
        Instant oldest = now.minus(keepFor);
        saved.names().forEach((name, addresses) -> {
            if (name == null || addresses == null || !userExists.test(name)) return;
            addresses.entrySet().stream()
                    .filter(e -> e.getKey() != null && e.getValue() != null && e.getValue().isAfter(oldest))
                    .sorted(Map.Entry.comparingByValue()) // oldest first in, so the most recent stay
                    .forEach(e -> k.put(k.names, name, e.getKey(), e.getValue().isAfter(now) ? now : e.getValue()));
        });
        k.names.forEach((name, addresses) -> k.written.put(name, new LinkedHashMap<>(addresses)));
        boolean ahead = saved.names().values().stream().anyMatch(a -> a != null
                && a.values().stream().anyMatch(at -> at != null && at.isAfter(now)));
        if (ahead) {
            synchronized (k) {
                k.save();
            }
        }
        return k;
    }

    private static Saved read(Path file) {
        if (!Files.exists(file)) return null;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                return ignored(file, "it is " + size + " bytes, more than the " + MAX_FILE_BYTES + " this server writes at most");
            }
            Saved s = Json.mapper().readValue(file.toFile(), Saved.class);
            if (s == null || s.names() == null) return ignored(file, "it holds no addresses");
            if (s.format() != FORMAT) return ignored(file, "format " + s.format() + ", this server reads " + FORMAT);
            return s;
        } catch (IOException | RuntimeException e) {
            return ignored(file, "cannot read it (" + e.getMessage() + ")");
        }
    }

    /** Logs why {@code file} is not read, and what that means for logins; returns null, the empty list's answer. */
    private static Saved ignored(Path file, String why) {
        log.warn("ignoring known login addresses file {}: {}; logins start with no known addresses, so the login back-off"
                + " holds back every address until it logs in again", file, why);
        return null;
    }

    /**
     * Whether {@code user} logged in from {@code client} within {@code keepFor}. A login time after now (the
     * clock was set back since) is taken as now, so the address is known {@code keepFor} from here, not for
     * as long as the clock was ahead on top.
     */
    public synchronized boolean known(String user, String client) {
        Map<String, Instant> addresses = names.get(user);
        Instant at = addresses == null ? null : addresses.get(client);
        if (at == null) return false;
        Instant now = clock.instant();
        if (at.isAfter(now)) {
            at = now;
            addresses.put(client, now);
            save(); // or the file's time would be read again at the next start
        }
        return !now.isAfter(at.plus(keepFor));
    }

    /**
     * {@code user} logged in from {@code client} now. Unless the user is gone: a delete that ran between the
     * login's password check and this has already forgotten its addresses, and a user created later under the
     * name must not find this one known (the delete changes the configuration before it calls {@link #forget},
     * so either it is seen here or its forget comes after this).
     */
    public synchronized void add(String user, String client) {
        Instant now = clock.instant();
        if (!userExists.test(user)) {
            names.remove(user);
            if (written.containsKey(user)) save();
            return;
        }
        put(names, user, client, now);
        Map<String, Instant> saved = written.get(user);
        Instant last = saved == null ? null : saved.get(client);
        if (last == null || last.isAfter(now) || !now.isBefore(last.plus(REFRESH_EVERY))) save();
    }

    /** {@code user} was deleted: its addresses go too. */
    public synchronized void forget(String user) {
        if (names.remove(user) != null) save();
    }

    private void put(Map<String, Map<String, Instant>> into, String user, String client, Instant at) {
        into.computeIfAbsent(user, u -> BackOff.bounded(perName)).put(client, at);
    }

    private void save() {
        if (file == null) return;
        Instant oldest = clock.instant().minus(keepFor);
        Map<String, Map<String, Instant>> current = new LinkedHashMap<>();
        names.forEach((name, addresses) -> {
            Map<String, Instant> fresh = new LinkedHashMap<>();
            addresses.forEach((a, at) -> {
                if (at.isAfter(oldest)) fresh.put(a, at);
            });
            if (!fresh.isEmpty()) current.put(name, fresh);
        });
        try {
            DurableFile.replace(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(new Saved(FORMAT, current)));
            written.clear();
            written.putAll(current);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot save known login addresses to {}: {}; they stay known until the server restarts, check "
                    + "free space and permissions", file, e.getMessage());
        }
    }
}
