package dev.cistern.engine.crypto;

import dev.cistern.engine.EngineException;
import java.util.Arrays;

/**
 * The secrets of an encrypted storage group, wrapped together under its passphrase ({@link KeyWrap}): the
 * data key, and for a group with keyed chunk ids the id key and the chunker key. One blob, so a passphrase
 * change re-wraps all of them at once and none of them ever changes (a new id key or chunker key would
 * end dedup against everything stored; a new data key would mean re-encrypting it).
 *
 * <p>Unwrapped layout: data key (32) [| id key (32) | chunker key (32)]. A group encrypted before keyed
 * ids wraps its data key alone, which is why the group record, not this blob, says which ids it uses.
 *
 * @param idKey      HMAC key of the chunk ids, null for plain SHA-256 ids
 * @param chunkerKey key the chunker's gear table is derived from, null with plain ids
 */
public record GroupKeys(byte[] dataKey, byte[] idKey, byte[] chunkerKey) {
    private static final int KEY = 32;

    /** Fresh random keys for a new group; {@code keyedIds} adds the id and chunker keys. */
    public static GroupKeys generate(boolean keyedIds) {
        return new GroupKeys(DataKey.generate(), keyedIds ? DataKey.generate() : null, keyedIds ? DataKey.generate() : null);
    }

    public boolean keyedIds() {
        return idKey != null;
    }

    /** The bytes to wrap. */
    public byte[] encode() {
        if (!keyedIds()) return dataKey.clone();
        byte[] b = new byte[3 * KEY];
        System.arraycopy(dataKey, 0, b, 0, KEY);
        System.arraycopy(idKey, 0, b, KEY, KEY);
        System.arraycopy(chunkerKey, 0, b, 2 * KEY, KEY);
        return b;
    }

    /** The keys of group {@code groupName} from the unwrapped bytes; DAMAGED if they do not fit its id scheme. */
    public static GroupKeys decode(byte[] raw, boolean keyedIds, String groupName) {
        int expected = keyedIds ? 3 * KEY : KEY;
        if (raw.length != expected) {
            throw new EngineException(EngineException.Reason.DAMAGED, "the wrapped key of group '" + groupName + "' holds "
                    + raw.length + " bytes, not the " + expected + " of a group with "
                    + (keyedIds ? "keyed" : "plain SHA-256") + " chunk ids");
        }
        if (!keyedIds) return new GroupKeys(raw.clone(), null, null);
        return new GroupKeys(Arrays.copyOfRange(raw, 0, KEY), Arrays.copyOfRange(raw, KEY, 2 * KEY),
                Arrays.copyOfRange(raw, 2 * KEY, 3 * KEY));
    }

    /** Overwrites the key bytes, once they have been turned into keys (a copy gone from the heap sooner). */
    public void wipe() {
        Arrays.fill(dataKey, (byte) 0);
        if (idKey != null) Arrays.fill(idKey, (byte) 0);
        if (chunkerKey != null) Arrays.fill(chunkerKey, (byte) 0);
    }
}
