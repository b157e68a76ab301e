package dev.cistern.iscsi.scsi.spc;

import dev.cistern.iscsi.ReservationStore;
import dev.cistern.iscsi.scsi.Command;
import dev.cistern.iscsi.scsi.ItNexus;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reservation state of one logical unit: SPC-3 persistent reservations (registrations keyed by initiator
 * port, at most one reservation) and the older SPC-2 RESERVE/RELEASE, which holds the whole unit for one
 * I_T nexus. All methods are synchronized: reservation commands from different sessions are serialized
 * here, and every change is saved to the {@link ReservationStore} before the command completes so that
 * a restart finds the same state (SPC-4 5.13.10, APTPL always honoured).
 */
public final class Reservations {
    public static final int WRITE_EXCLUSIVE = 1;
    public static final int EXCLUSIVE_ACCESS = 3;
    public static final int WRITE_EXCLUSIVE_REGISTRANTS_ONLY = 5;
    public static final int EXCLUSIVE_ACCESS_REGISTRANTS_ONLY = 6;
    public static final int WRITE_EXCLUSIVE_ALL_REGISTRANTS = 7;
    public static final int EXCLUSIVE_ACCESS_ALL_REGISTRANTS = 8;

    /**
     * Registrations one logical unit keeps. They outlive sessions and restarts, so without a bound any
     * initiator allowed on the target could grow the state (and the store) by logging in under new
     * initiator ports and registering each. 256 is far beyond a cluster's nodes times paths, and a READ
     * FULL STATUS of that many iSCSI TransportIDs still fits the 64 KiB allocation length.
     */
    public static final int MAX_REGISTRATIONS = 256;

    private final ReservationStore store;
    /** Initiator port → reservation key, in registration order (READ KEYS lists them that way). */
    private final Map<String, Long> registrations = new LinkedHashMap<>();
    private int generation;
    private String holder;
    private int type;
    private boolean aptpl;
    /** Holder of an SPC-2 RESERVE, or null. Not persistent, by definition. */
    private String legacyHolder;

    public Reservations(ReservationStore store) {
        this.store = store;
        ReservationCodec.State s = ReservationCodec.decode(store.load());
        registrations.putAll(s.registrations());
        generation = s.generation();
        holder = s.holder();
        type = s.type();
        aptpl = s.aptpl();
    }

    public static boolean validType(int t) {
        return t == 1 || t == 3 || t == 5 || t == 6 || t == 7 || t == 8;
    }

    static boolean allRegistrants(int t) {
        return t == WRITE_EXCLUSIVE_ALL_REGISTRANTS || t == EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
    }

    /** Whether {@code nexus} may not run {@code command} because someone else holds a reservation. */
    public synchronized boolean conflicts(ItNexus nexus, Command command) {
        if (command.access() == Command.Access.ALWAYS) return false;
        String port = nexus.initiatorPort();
        if (legacyHolder != null && !legacyHolder.equals(port)) return true;
        if (holder == null) return false;
        if (isHolder(port)) return false;
        boolean registered = registrations.containsKey(port);
        boolean write = command.access() == Command.Access.WRITE;
        return switch (type) {
            case WRITE_EXCLUSIVE -> write;
            case EXCLUSIVE_ACCESS -> true;
            case WRITE_EXCLUSIVE_REGISTRANTS_ONLY, WRITE_EXCLUSIVE_ALL_REGISTRANTS -> write && !registered;
            case EXCLUSIVE_ACCESS_REGISTRANTS_ONLY, EXCLUSIVE_ACCESS_ALL_REGISTRANTS -> !registered;
            default -> false;
        };
    }

    private boolean isHolder(String port) {
        if (holder == null) return false;
        if (allRegistrants(type)) return registrations.containsKey(port);
        return holder.equals(port);
    }

    // ---- SPC-2 RESERVE / RELEASE ----

    /** RESERVE(6/10): false means RESERVATION CONFLICT. */
    public synchronized boolean reserveLegacy(ItNexus nexus) {
        String port = nexus.initiatorPort();
        if (holder != null || !registrations.isEmpty() && !registrations.containsKey(port)) return false;
        if (legacyHolder != null && !legacyHolder.equals(port)) return false;
        legacyHolder = port;
        return true;
    }

    /** RELEASE(6/10): releasing a reservation held by another initiator is a no-op (SPC-2 7.21.2). */
    public synchronized void releaseLegacy(ItNexus nexus) {
        if (nexus.initiatorPort().equals(legacyHolder)) legacyHolder = null;
    }

    /** I_T nexus loss or logout: only the SPC-2 reservation is tied to the nexus. */
    public synchronized void nexusLost(ItNexus nexus) {
        releaseLegacy(nexus);
    }

    /** LUN reset, target reset: clear SPC-2 reservations; persistent ones survive resets (SPC-4 5.13.1). */
    public synchronized void reset() {
        legacyHolder = null;
    }

    // ---- persistent reservations: accessors for PERSISTENT RESERVE IN ----

    public synchronized int generation() {
        return generation;
    }

    public synchronized Map<String, Long> registrations() {
        return new LinkedHashMap<>(registrations);
    }

    /** The reservation as (holder port, type), or null when none. */
    public synchronized Snapshot reservation() {
        if (holder == null) return null;
        long key = allRegistrants(type) ? 0 : registrations.getOrDefault(holder, 0L);
        return new Snapshot(holder, type, key);
    }

    public synchronized boolean aptpl() {
        return aptpl;
    }

    public record Snapshot(String holder, int type, long key) {
    }

    // ---- persistent reservations: PERSISTENT RESERVE OUT service actions ----

    /** Outcome of a PR OUT action: good, conflict, or a sense-worthy error. */
    public enum Result { GOOD, CONFLICT, INVALID_RELEASE, INVALID_PARAMETER, INSUFFICIENT_RESOURCES }

    public synchronized Result register(ItNexus nexus, long key, long newKey, boolean ignoreExisting, boolean aptplBit) {
        String port = nexus.initiatorPort();
        Long current = registrations.get(port);
        if (current == null) {
            if (!ignoreExisting && key != 0) return Result.CONFLICT;
            if (newKey == 0) return Result.GOOD;
            if (registrations.size() >= MAX_REGISTRATIONS) return Result.INSUFFICIENT_RESOURCES;
            registrations.put(port, newKey);
        } else {
            if (!ignoreExisting && current != key) return Result.CONFLICT;
            if (newKey == 0) {
                unregister(port);
            } else {
                registrations.put(port, newKey);
            }
        }
        aptpl = aptplBit;
        generation++;
        save();
        return Result.GOOD;
    }

    private void unregister(String port) {
        registrations.remove(port);
        if (holder == null) return;
        if (allRegistrants(type)) {
            if (registrations.isEmpty()) holder = null;
            else if (holder.equals(port)) holder = registrations.keySet().iterator().next();
        } else if (holder.equals(port)) {
            holder = null;
        }
    }

    public synchronized Result reserve(ItNexus nexus, long key, int newType) {
        String port = nexus.initiatorPort();
        Long current = registrations.get(port);
        if (current == null || current != key) return Result.CONFLICT;
        if (legacyHolder != null && !legacyHolder.equals(port)) return Result.CONFLICT;
        if (holder != null) {
            if (!isHolder(port)) return Result.CONFLICT;
            return type == newType ? Result.GOOD : Result.CONFLICT;
        }
        holder = port;
        type = newType;
        save();
        return Result.GOOD;
    }

    public synchronized Result release(ItNexus nexus, long key, int relType) {
        String port = nexus.initiatorPort();
        Long current = registrations.get(port);
        if (current == null || current != key) return Result.CONFLICT;
        if (holder == null || !isHolder(port)) return Result.GOOD;
        if (type != relType) return Result.INVALID_RELEASE;
        holder = null;
        save();
        return Result.GOOD;
    }

    public synchronized Result clear(ItNexus nexus, long key) {
        Long current = registrations.get(nexus.initiatorPort());
        if (current == null || current != key) return Result.CONFLICT;
        registrations.clear();
        holder = null;
        generation++;
        save();
        return Result.GOOD;
    }

    /** PREEMPT (and PREEMPT AND ABORT, whose task abort part the transport does). */
    public synchronized Result preempt(ItNexus nexus, long key, long victimKey, int newType) {
        String port = nexus.initiatorPort();
        Long current = registrations.get(port);
        if (current == null || current != key) return Result.CONFLICT;
        if (holder != null && allRegistrants(type)) {
            if (victimKey == 0) {
                // preempting an all-registrants reservation: everyone else is dropped
                registrations.keySet().removeIf(p -> !p.equals(port));
                holder = port;
                type = newType;
                generation++;
                save();
                return Result.GOOD;
            }
        } else if (victimKey == 0) {
            return Result.INVALID_PARAMETER;
        }
        boolean holderPreempted = holder != null && !allRegistrants(type)
                && registrations.getOrDefault(holder, -1L) == victimKey;
        // the preempting nexus keeps its own registration even when it carries the victim key
        boolean removed = registrations.entrySet().removeIf(e -> e.getValue() == victimKey && !e.getKey().equals(port));
        if (holderPreempted) {
            holder = port;
            type = newType;
        } else if (!removed) {
            return Result.CONFLICT;
        }
        if (holder != null && !allRegistrants(type) && !registrations.containsKey(holder)) holder = null;
        generation++;
        save();
        return Result.GOOD;
    }

    private void save() {
        store.save(ReservationCodec.encode(new ReservationCodec.State(registrations, generation, holder, type, aptpl)));
    }
}
