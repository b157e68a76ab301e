/**
 * Chunk containers: the on-disk home of chunk data.
 *
 * <h2>File layout (format version 1), {@code chunks/<group-id>/<container-id>.ccf}</h2>
 * <pre>
 * header  (32 B)  magic "CISTERNC" | u16 version=1 | u16 flags | u32 0 | u64 group id | u64 container id
 * record* (48 B + payload)
 *         u32 crc32c of the rest of the record | u8 codec (0 raw, 1 lz4, 2 zstd; |0x80 encrypted) | u8 0 | u16 0
 *         | u32 raw length | u32 payload length | 32 B SHA-256 fingerprint of the raw chunk | payload
 *         payload = compressed-or-raw bytes, or nonce(12) | AES-256-GCM ciphertext | tag(16) when encrypted
 * trailer (sealed containers only)
 *         (32 B fingerprint | u32 offset | u32 payload length | u32 raw length)* | u32 count
 *         | u32 crc32c of entries and count | u64 offset of the trailer | magic "CISTEND1"
 * </pre>
 * All integers big-endian. A container is appended to by one writer at a time and sealed (trailer
 * written, fsync) at about 4 MiB; sealed containers are immutable until the cleaner deletes them.
 *
 * <h2>Crash safety</h2>
 * Each record carries its own checksum, so after a crash an open container is scanned from the header
 * and cut at the first torn or unchecked record; index entries pointing past that cut are dropped (see
 * {@code core.Recovery}). Metadata that references a chunk (recipes, block maps) is only committed after
 * the container bytes holding it are fsynced, so a committed reference never points at lost data.
 */
package dev.cistern.engine.store;
