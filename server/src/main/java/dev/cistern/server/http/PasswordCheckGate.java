package dev.cistern.server.http;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the CPU that password hashing may take, server-wide. A hash is half a second of PBKDF2 on purpose,
 * and anyone can ask for one (a login needs no credentials; any user may change their own password, an
 * operator may unlock an encrypted storage group), so without a bound a client sending such requests at once
 * keeps every core busy and starves the engine's ingest. Every request that hashes a password or passphrase
 * enters here first.
 *
 * <p>At most {@code concurrent} checks run at once; up to {@code queue} more wait, at most {@code maxWait}
 * each, in arrival order; any further one is refused at once with 429 and {@code Retry-After}, before its
 * password is hashed. One client address may hold at most {@code perClient} of those places, running or
 * waiting, so a single machine cannot fill the queue and lock everyone else out. Whether the name exists plays
 * no part: an existing and an unknown name get the same answers.
 *
 * <p>A login from an address that logged in as that user before ({@link LoginThrottle#known}) may also wait in
 * one of {@code reserved} extra places of its user's own when the queue is full: a flood of logins or password
 * changes from many addresses fills the queue, and the real admin must still get in (in arrival order, like the
 * others). The places are per name, not shared: anyone with an account has a known address for it, and shared
 * places would be taken by logging in as oneself. So the extra waiting is bounded by the accounts that exist,
 * and the hashing itself stays bounded by {@code concurrent}.
 */
public final class PasswordCheckGate {
    /** One admitted password check; closing it lets the next one in. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private final int concurrent;
    private final int queue;
    private final int perClient;
    private final int reserved;
    private final Duration maxWait;
    private final Semaphore running;
    private final Map<String, Integer> held = new HashMap<>(); // client -> running or waiting; guarded by this
    private final Map<String, Integer> reservedHeld = new HashMap<>(); // name -> waiting in its reserved places; guarded by this
    private int waiting; // guarded by this

    public PasswordCheckGate(int concurrent, int queue, int perClient, Duration maxWait) {
        this(concurrent, queue, perClient, 2, maxWait);
    }

    public PasswordCheckGate(int concurrent, int queue, int perClient, int reserved, Duration maxWait) {
        if (concurrent < 1 || queue < 0 || perClient < 1 || reserved < 0) {
            throw new IllegalArgumentException("need concurrent >= 1, queue >= 0, perClient >= 1; got "
                    + concurrent + ", " + queue + ", " + perClient);
        }
        this.concurrent = concurrent;
        this.queue = queue;
        this.perClient = perClient;
        this.reserved = reserved;
        this.maxWait = maxWait;
        this.running = new Semaphore(concurrent, true);
    }

    /**
     * Half the cores hash at most (one on a one- or two-core machine), four times that may wait up to 5 s, 2 per
     * client, and 2 more places for each name's known logins.
     */
    public static PasswordCheckGate standard() {
        int n = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        return new PasswordCheckGate(n, 4 * n, 2, 2, Duration.ofSeconds(5));
    }

    /** As {@link #enter(String, String)} without a reserved place. */
    public Permit enter(String client) {
        return enter(client, null);
    }

    /**
     * Admits one password check for {@code client} (see {@link AddressThrottle#key}), waiting for a place if
     * needed; refuses with 429 if the client already holds its share, the queue is full, or the wait ran out.
     * {@code knownFor}: the user of a login from an address known for it (or null), which may wait in one of
     * that user's reserved places.
     */
    public Permit enter(String client, String knownFor) {
        boolean queued;
        String reservedFor = null; // the name whose reserved place this check waits in
        synchronized (this) {
            int mine = held.getOrDefault(client, 0);
            if (mine >= perClient) {
                throw ApiException.tooManyRequests("too many password checks at once from " + client + " (" + mine
                        + " in progress, at most " + perClient + "); try again in 1 s, after they finish", 1);
            }
            queued = !tryNow();
            if (queued && waiting >= queue) {
                if (knownFor == null || reservedHeld.getOrDefault(knownFor, 0) >= reserved) throw busy();
                reservedFor = knownFor;
                reservedHeld.merge(knownFor, 1, Integer::sum);
            }
            if (queued) waiting++;
            held.merge(client, 1, Integer::sum);
        }
        if (queued) {
            boolean admitted = false;
            try {
                admitted = running.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                synchronized (this) {
                    waiting--;
                    if (reservedFor != null) reservedHeld.computeIfPresent(reservedFor, (k, n) -> n == 1 ? null : n - 1);
                    if (!admitted) release(client);
                }
            }
            if (!admitted) throw busy();
        }
        return new Permit() {
            private boolean closed;

            @Override
            public void close() {
                synchronized (PasswordCheckGate.this) {
                    if (closed) return;
                    closed = true;
                    release(client);
                }
                running.release();
            }
        };
    }

    /** How many checks wait for a place (for tests). */
    synchronized int waiting() {
        return waiting;
    }

    /** A place if one is free and nobody waits for it (a zero-timeout tryAcquire keeps the semaphore's order). */
    private boolean tryNow() {
        try {
            return running.tryAcquire(0, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
    }

    private void release(String client) {
        held.computeIfPresent(client, (k, n) -> n == 1 ? null : n - 1);
    }

    private ApiException busy() {
        return ApiException.tooManyRequests("the server is busy with other password checks (" + concurrent
                + " at once, " + queue + " more waiting); try again in 1 s", 1);
    }
}
