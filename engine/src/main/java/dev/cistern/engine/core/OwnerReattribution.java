package dev.cistern.engine.core;

import dev.cistern.engine.meta.Counters;
import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.meta.Scanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Gives the chunks of a deleted container to a container still using them, for the space figures.
 *
 * <p>A chunk counts in the stats of the container that stored it first (the owner in its listing, see
 * {@link ContainerChunk}). When that container is deleted, the chunks other containers share stay
 * stored; left with the deleted owner they would count for no container, and the containers' figures
 * would no longer add up to the group's. The cleaner finds such chunks before it marks
 * ({@link #orphans}), notes during mark one container that references each ({@link OwnerMap#offer}),
 * and after its sweep lists them under that container and moves their counters ({@link #apply}).
 *
 * <p>Only the cleaner (one at a time) and recovery change an existing listing; writers add new ones. The
 * change is still made under the group's write lock, from the listing read again there: one gone
 * (unlisted by the sweep) or already owned by a live container is left alone, as is a chunk whose new
 * owner was deleted meanwhile (the next clean tries again). A chunk no live entry references keeps its
 * old owner until a sweep reclaims it.
 */
final class OwnerReattribution {
    private static final int PAGE = 1024;

    private OwnerReattribution() {
    }

    /** The fingerprint prefixes of the chunks of {@code g} whose owner is not one of {@code existing}, no owner yet. */
    static OwnerMap orphans(LocalEngine engine, GroupState g, Set<Long> existing) {
        OwnerMap out = new OwnerMap();
        try (Scanner sc = engine.meta.scan(Family.CONTAINER_CHUNKS, Keys.id(g.id()))) {
            while (sc.next()) {
                ContainerChunk c = ContainerChunk.decode(sc.key(), sc.value());
                if (!existing.contains(c.ownerContainerId())) out.addKey(c.fingerprint().prefix());
            }
        }
        return out;
    }

    /**
     * Lists each chunk of {@code g} owned by a container no longer in {@code existing} under the owner
     * {@code newOwner} found for its fingerprint prefix, moving its counters; returns how many moved.
     */
    static long apply(LocalEngine engine, GroupState g, OwnerMap newOwner, Set<Long> existing)
            throws RocksDBException {
        if (newOwner.isEmpty()) return 0;
        long moved = 0;
        List<ContainerChunk> page = new ArrayList<>(PAGE);
        try (Scanner sc = engine.meta.scan(Family.CONTAINER_CHUNKS, Keys.id(g.id()))) {
            while (sc.next()) {
                ContainerChunk c = ContainerChunk.decode(sc.key(), sc.value());
                if (!existing.contains(c.ownerContainerId()) && newOwner.owner(c.fingerprint().prefix()) != OwnerMap.NONE) {
                    page.add(c);
                    if (page.size() == PAGE) {
                        moved += applyPage(engine, g, page, newOwner, existing);
                        page.clear();
                    }
                }
            }
        }
        if (!page.isEmpty()) moved += applyPage(engine, g, page, newOwner, existing);
        return moved;
    }

    private static long applyPage(LocalEngine engine, GroupState g, List<ContainerChunk> page, OwnerMap newOwner,
                                  Set<Long> existing) throws RocksDBException {
        Set<Long> now = containerIds(engine);
        long moved = 0;
        g.tracker.lock.writeLock().lock();
        try (WriteBatch b = engine.meta.batch()) {
            for (ContainerChunk seen : page) {
                byte[] v = engine.meta.get(Family.CONTAINER_CHUNKS, seen.key());
                if (v == null) continue;
                ContainerChunk c = ContainerChunk.decode(seen.key(), v);
                long to = newOwner.owner(c.fingerprint().prefix());
                if (to == OwnerMap.NONE || existing.contains(c.ownerContainerId()) || now.contains(c.ownerContainerId()) || !now.contains(to)) continue;
                ContainerChunk owned = new ContainerChunk(c.groupId(), c.location(), c.fingerprint(), to);
                b.put(engine.meta.cf(Family.CONTAINER_CHUNKS), owned.key(), owned.value());
                long raw = c.location().rawLength();
                long stored = c.location().storedLength();
                Counters.add(b, engine.meta, GroupCounters.containerUnique(c.ownerContainerId()), -raw);
                Counters.add(b, engine.meta, GroupCounters.containerStored(c.ownerContainerId()), -stored);
                Counters.add(b, engine.meta, GroupCounters.containerChunks(c.ownerContainerId()), -1);
                Counters.add(b, engine.meta, GroupCounters.containerUnique(to), raw);
                Counters.add(b, engine.meta, GroupCounters.containerStored(to), stored);
                Counters.add(b, engine.meta, GroupCounters.containerChunks(to), 1);
                moved++;
            }
            if (moved > 0) engine.meta.write(b, true);
        } finally {
            g.tracker.lock.writeLock().unlock();
        }
        return moved;
    }

    static Set<Long> containerIds(LocalEngine engine) {
        Set<Long> out = new java.util.HashSet<>();
        for (var r : engine.containerRecords()) out.add(r.id());
        return out;
    }
}
