package dev.cistern.server.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Users, their roles and their API tokens. Storage groups and containers live in the engine; this service
 * owns what the engine does not. Every change is validated first, then persisted through
 * {@link ConfigStore} and only then made visible, under one lock: a refused or failed change leaves
 * nothing behind. Slow password hashing happens before taking the lock. Reads ({@link #authenticate}) see
 * the last committed state without locking.
 */
public final class ConfigService {
    public static final Duration MAX_TOKEN_TTL = Duration.ofDays(30);
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MIN_PASSWORD = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ConfigStore store;
    private final PasswordHasher hasher;
    private final Clock clock;
    private volatile ConfigState state;

    public ConfigService(ConfigStore store, PasswordHasher hasher, Clock clock) {
        this.store = store;
        this.hasher = hasher;
        this.clock = clock;
        this.state = store.load();
    }

    public boolean hasUsers() {
        return !state.users().isEmpty();
    }

    // ---- users ----

    public List<User> users() {
        return state.users();
    }

    public boolean exists(String name) {
        return state.usersByName().containsKey(name);
    }

    public User user(String name) {
        return Optional.ofNullable(state.usersByName().get(name)).orElseThrow(() -> noSuchUser(name));
    }

    public User addUser(String name, Role role, char[] password) {
        checkName(name);
        if (role == null) throw invalid("role of user '" + name + "' is missing: use admin, operator or monitor");
        checkNewPassword(name, password);
        String hash = hasher.hash(password);  // slow: outside the lock
        synchronized (this) {
            if (state.usersByName().containsKey(name)) {
                throw new ConfigException(ConfigException.Kind.ALREADY_EXISTS, "user '" + name + "' already exists");
            }
            User u = new User(name, role, hash, clock.instant());
            commit(state.withUsers(us -> append(us, u)));
            return u;
        }
    }

    public synchronized User setRole(String name, Role role) {
        User old = user(name);
        if (role == null) throw invalid("role of user '" + name + "' is missing: use admin, operator or monitor");
        if (old.role() == Role.ADMIN && role != Role.ADMIN) requireAnotherAdmin(name, "take the admin role from");
        User u = new User(name, role, old.passwordHash(), old.createdAt());
        commit(state.withUsers(us -> replace(us, u)));
        return u;
    }

    /** Sets a password and revokes the user's tokens, so a leaked password's sessions end with it. */
    public void setPassword(String name, char[] password) {
        user(name);
        checkNewPassword(name, password);
        String hash = hasher.hash(password);  // slow: outside the lock
        synchronized (this) {
            User old = user(name);
            User u = new User(name, old.role(), hash, old.createdAt());
            commit(state.withUsers(us -> replace(us, u)).withTokens(ts -> without(ts, name)));
        }
    }

    public synchronized void deleteUser(String name) {
        User old = user(name);
        if (old.role() == Role.ADMIN) requireAnotherAdmin(name, "delete");
        commit(state.withUsers(us -> us.stream().filter(x -> !x.name().equals(name)).toList())
                .withTokens(ts -> without(ts, name)));
    }

    /** True if {@code password} is the user's password (slow on purpose). */
    public boolean checkPassword(String name, char[] password) {
        User u = state.usersByName().get(name);
        return u != null && hasher.verify(password, u.passwordHash());
    }

    // ---- tokens ----

    /**
     * Checks the password (slow, so outside the lock: logins do not queue behind each other) and records a new
     * token, unless the password changed or the user vanished meanwhile.
     */
    public LoginResult login(String name, char[] password, Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TOKEN_TTL) > 0) {
            throw invalid("token lifetime must be between 1 second and " + MAX_TOKEN_TTL.toDays() + " days, got " + ttl);
        }
        User u = name == null ? null : state.usersByName().get(name);
        if (u == null) {
            hasher.verifyDummy(password == null ? new char[0] : password);
            throw badLogin();
        }
        if (password == null || !hasher.verify(password, u.passwordHash())) throw badLogin();
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = "cst_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        synchronized (this) {
            User now = state.usersByName().get(name);
            if (now == null || !now.passwordHash().equals(u.passwordHash())) throw badLogin();
            Instant at = clock.instant();
            ApiToken t = new ApiToken(sha256(token), name, at, at.plus(ttl));
            commit(state.withTokens(ts -> append(ts.stream().filter(x -> !x.expiredAt(at)).toList(), t)));
            return new LoginResult(token, name, now.role(), t.expiresAt());
        }
    }

    public synchronized void logout(String tokenSha256) {
        commit(state.withTokens(ts -> ts.stream().filter(x -> !x.sha256().equals(tokenSha256)).toList()));
    }

    /** The user behind a bearer token; UNAUTHORIZED if it is unknown, expired, or its user is gone. */
    public Principal authenticate(String token) {
        if (token == null || token.isBlank()) {
            throw new ConfigException(ConfigException.Kind.UNAUTHORIZED,
                    "missing bearer token: log in (POST /api/v1/login or 'cistern login') and send 'Authorization: Bearer <token>'");
        }
        ConfigState s = state;
        String h = sha256(token);
        ApiToken t = s.tokens().stream().filter(x -> x.sha256().equals(h)).findFirst().orElseThrow(() ->
                new ConfigException(ConfigException.Kind.UNAUTHORIZED, "unknown or revoked token: log in again"));
        if (t.expiredAt(clock.instant())) {
            throw new ConfigException(ConfigException.Kind.UNAUTHORIZED,
                    "token expired at " + t.expiresAt() + ": log in again");
        }
        User u = s.usersByName().get(t.user());
        if (u == null) {
            throw new ConfigException(ConfigException.Kind.UNAUTHORIZED, "user '" + t.user() + "' no longer exists");
        }
        return new Principal(u.name(), u.role(), h);
    }

    public static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    // ---- helpers ----

    private void commit(ConfigState next) {
        store.save(next);
        state = next;
    }

    private void requireAnotherAdmin(String name, String action) {
        boolean other = state.users().stream().anyMatch(u -> u.role() == Role.ADMIN && !u.name().equals(name));
        if (!other) {
            throw new ConfigException(ConfigException.Kind.CONFLICT, "cannot " + action + " user '" + name
                    + "': it is the last admin; make another user admin first");
        }
    }

    /** Whether {@code name} can be a user's name: a login with any other cannot succeed and is refused before any work. */
    public static boolean validUserName(String name) {
        return name != null && USER_NAME.matcher(name).matches();
    }

    private static void checkName(String name) {
        if (!validUserName(name)) {
            throw invalid("invalid user name '" + clip(name) + "': use 1-64 characters A-Z, a-z, 0-9, '.', '_', '-',"
                    + " starting with a letter or digit");
        }
    }

    /** A name as far as an error message or a log line repeats it: a client's megabyte ends here. */
    public static String clip(String s) {
        return s == null || s.length() <= 64 ? s : s.substring(0, 64) + "...(" + s.length() + " characters)";
    }

    private static void checkNewPassword(String name, char[] password) {
        if (password == null || password.length < MIN_PASSWORD) {
            throw invalid("password of user '" + name + "' is too short: use at least " + MIN_PASSWORD + " characters");
        }
    }

    private static <T> List<T> append(List<T> list, T item) {
        List<T> l = new ArrayList<>(list);
        l.add(item);
        return l;
    }

    private static List<User> replace(List<User> users, User u) {
        return users.stream().map(x -> x.name().equals(u.name()) ? u : x).toList();
    }

    private static List<ApiToken> without(List<ApiToken> tokens, String user) {
        return tokens.stream().filter(t -> !t.user().equals(user)).toList();
    }

    private static ConfigException invalid(String msg) {
        return new ConfigException(ConfigException.Kind.INVALID, msg);
    }

    private static ConfigException noSuchUser(String name) {
        return new ConfigException(ConfigException.Kind.NOT_FOUND, "user '" + name + "' not found");
    }

    private static ConfigException badLogin() {
        return new ConfigException(ConfigException.Kind.UNAUTHORIZED, "wrong user name or password");
    }
}
