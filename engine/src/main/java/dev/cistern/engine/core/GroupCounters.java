package dev.cistern.engine.core;

import dev.cistern.engine.meta.Counters;

/** Names of the persistent space counters. */
final class GroupCounters {
    private GroupCounters() {
    }

    static byte[] unique(long groupId) {
        return Counters.key("g", groupId, "unique");
    }

    static byte[] stored(long groupId) {
        return Counters.key("g", groupId, "stored");
    }

    static byte[] chunks(long groupId) {
        return Counters.key("g", groupId, "chunks");
    }

    static byte[] containerUnique(long containerId) {
        return Counters.key("c", containerId, "unique");
    }

    static byte[] containerStored(long containerId) {
        return Counters.key("c", containerId, "stored");
    }

    static byte[] containerChunks(long containerId) {
        return Counters.key("c", containerId, "chunks");
    }

    /** Mapped bytes of one volume, so deleting it can take them off its container's logical bytes. */
    static byte[] volumeMapped(long entryId) {
        return Counters.key("e", entryId, "mapped");
    }

    static byte[] containerLogical(long containerId) {
        return Counters.key("c", containerId, "logical");
    }
}
