package dev.cistern.engine.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.store.ChunkLocation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stamps a writer uses to skip its second index lookup: every drop of a chunk added after a stamp is seen. */
class LocalityCacheTest {
    private static Fingerprint fp(int i) {
        byte[] b = new byte[Fingerprint.LENGTH];
        b[0] = (byte) i;
        b[1] = (byte) (i >> 8);
        return Fingerprint.wrap(b);
    }

    private static ChunkLocation at(long container, int offset) {
        return new ChunkLocation(container, offset, 100, 100);
    }

    @Test
    void evictingOnlyChunksAddedBeforeTheStampIsNoDropSinceIt() {
        LocalityCache cache = new LocalityCache(2);
        cache.add(fp(1), at(1, 0));
        long stamp = cache.addedSoFar();
        cache.add(fp(2), at(2, 0));
        cache.add(fp(3), at(3, 0)); // evicts container 1, whose chunk was added before the stamp
        assertThat(cache.get(fp(1))).isNull();
        assertThat(cache.droppedSince(stamp)).isFalse();
        cache.add(fp(4), at(4, 0)); // evicts container 2, added after the stamp
        assertThat(cache.get(fp(2))).isNull();
        assertThat(cache.droppedSince(stamp)).isTrue();
    }

    @Test
    void invalidatingAContainerAndClearingAreDrops() {
        LocalityCache cache = new LocalityCache(8);
        long stamp = cache.addedSoFar();
        cache.add(fp(1), at(1, 0));
        cache.invalidate(1);
        assertThat(cache.droppedSince(stamp)).isTrue();
        long later = cache.addedSoFar();
        cache.add(fp(2), at(2, 0));
        assertThat(cache.droppedSince(later)).isFalse();
        cache.clear();
        assertThat(cache.droppedSince(later)).isTrue();
    }

    /** A listing loaded over a chunk a writer added replaces its node: dropping that node drops the chunk. */
    @Test
    void aLoadedNodeThatReplacedAnAddedOneCountsAsItWhenDropped() {
        LocalityCache cache = new LocalityCache(2);
        long stamp = cache.addedSoFar();
        cache.add(fp(1), at(1, 0));
        cache.load(9, List.of(Map.entry(fp(1), at(9, 0)))); // another copy's listing, e.g. after a clean moved it
        cache.add(fp(2), at(1, 100)); // container 1 used again: container 9 is now the eldest
        cache.add(fp(3), at(3, 0)); // evicts container 9, whose node stands for the chunk added after the stamp
        assertThat(cache.get(fp(1))).isNull();
        assertThat(cache.get(fp(2))).isNotNull();
        assertThat(cache.droppedSince(stamp)).isTrue();
    }
}
