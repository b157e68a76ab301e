package dev.cistern.server.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limits failed logins per client address, whatever names they try: {@link LoginThrottle} counts per name, so
 * one machine trying a new name each time would never be slowed down by it. Each address has an allowance of
 * {@code burst} attempts that refills by one every {@code refill}; a login takes one before its password is
 * checked, and gets it back if it succeeds (or is refused for another reason than a wrong password). An
 * address with nothing left is refused with 429 until the next attempt refills, whether the name it tries
 * exists or not and whether the password is right or not, so the answer says nothing about names.
 *
 * <p>IPv6 clients count per /64, the block one host or site usually holds. Addresses are kept in a bounded
 * table (least recently seen first out); an address whose allowance has refilled is forgotten.
 */
public final class AddressThrottle {
    static final int MAX_TRACKED = 10_000;

    /** {@code left} attempts remaining as of {@code at}. */
    private record Allowance(double left, Instant at) {
    }

    private final Clock clock;
    private final int burst;
    private final Duration refill;
    private final Map<String, Allowance> allowances = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Allowance> eldest) {
            return size() > MAX_TRACKED;
        }
    };

    public AddressThrottle(Clock clock, int burst, Duration refill) {
        if (burst < 1 || refill.isNegative() || refill.isZero()) {
            throw new IllegalArgumentException("need burst >= 1 and a positive refill, got " + burst + ", " + refill);
        }
        this.clock = clock;
        this.burst = burst;
        this.refill = refill;
    }

    /** 30 attempts, then one every 10 s (6 a minute): ample for people, a crawl for a password sprayer. */
    public static AddressThrottle standard(Clock clock) {
        return new AddressThrottle(clock, 30, Duration.ofSeconds(10));
    }

    /** The key a client counts under: the IPv4 address, or the /64 of an IPv6 one. */
    public static String key(InetAddress a) {
        if (a instanceof Inet6Address) {
            byte[] prefix = Arrays.copyOf(a.getAddress(), 8);
            return HexFormat.of().formatHex(prefix).replaceAll("(.{4})(?!$)", "$1:") + "::/64";
        }
        return a.getHostAddress();
    }

    /** Takes one attempt from {@code client}'s allowance, or refuses with 429 if none is left. */
    public synchronized void take(String client) {
        Instant now = clock.instant();
        double left = leftAt(client, now);
        if (left < 1) {
            long secs = Math.max(1, (long) Math.ceil((1 - left) * refill.toMillis() / 1000.0));
            allowances.put(client, new Allowance(left, now));
            throw ApiException.tooManyRequests("too many failed logins from " + client + " (allowance of " + burst
                    + " used up, one more every " + refill.toSeconds() + " s); try again in " + secs + " s", secs);
        }
        allowances.put(client, new Allowance(left - 1, now));
    }

    /** Gives back the attempt {@link #take} took: the login succeeded, or failed for another reason than a wrong password. */
    public synchronized void giveBack(String client) {
        Instant now = clock.instant();
        double left = Math.min(burst, leftAt(client, now) + 1);
        if (left >= burst) allowances.remove(client);
        else allowances.put(client, new Allowance(left, now));
    }

    private double leftAt(String client, Instant now) {
        Allowance a = allowances.get(client);
        if (a == null) return burst;
        long elapsed = Math.max(0, Duration.between(a.at(), now).toMillis());
        return Math.min(burst, a.left() + (double) elapsed / refill.toMillis());
    }
}
