/**
 * Chunk containers: the on-disk home of chunk data.
 *
 * <h2>File layout (format version 2), {@code chunks/<group-id>/<container-id>.ccf}</h2>
 * <pre>
 * header  (32 B)  magic "CISTERNC" | u16 version=2 | u16 flags | u32 0 | u64 group id | u64 container id
 * record* (48 B + payload)
 *         u32 crc32c of the rest of the record | u8 codec (0 raw, 1 lz4, 2 zstd; |0x80 encrypted)
 *         | u8 flags (0x01 frame) | u16 chunk count of a frame, else 0
 *         | u32 raw length | u32 payload length | 32 B fingerprint (chunk id) of the (first) chunk | payload
 *   a chunk alone:  payload = body
 *   a frame:        payload = table (32 B fingerprint | u32 raw length, per chunk, in order) | body
 *         body = the raw bytes (a frame's chunks back to back) compressed, or raw when compression does
 *         not pay, or nonce(12) | AES-256-GCM ciphertext | tag(16) when encrypted, with the fingerprint
 *         (a chunk alone) or the table (a frame) as associated data; in groups with keyed chunk ids, the
 *         header's 44 bytes after the crc (codec to fingerprint) and then the table, if any
 * trailer (sealed containers only)
 *         (32 B fingerprint | u32 record offset | u32 payload length | u32 raw length | u32 offset in the
 *         record's raw data)* per chunk | u32 count | u32 crc32c of entries and count | u64 offset of the
 *         trailer | magic "CISTEND1"
 * </pre>
 * New chunks of a stream are stored in frames of about 256 KiB (512 KiB with {@code best} compression):
 * compressed together they take 10-30%
 * less space than 8 KiB chunks compressed one by one, and compress twice as fast; a restore decodes
 * each frame once. Volumes and random-access files, read a block at a time, store each chunk alone. The
 * price: a damaged frame damages all its chunks, and a frame stays whole while any chunk in it is live
 * (the cleaner copies records, it does not re-pack them).
 * All integers big-endian. A container is appended to by one writer at a time and sealed at about
 * 4 MiB (records forced, then the trailer written and forced); sealed containers are immutable until the
 * cleaner deletes them.
 *
 * <h2>Encryption</h2>
 * In an encrypted group every record is encrypted (codec bit 0x80); a record without the bit is refused as
 * damaged, since the bit is covered only by the CRC. The fingerprints and lengths stay in clear: dedup needs
 * them. In a group created encrypted since keyed ids ({@code GroupRecord.ChunkIdScheme.KEYED}) a fingerprint
 * is HMAC-SHA256 of the chunk's SHA-256 under the group's secret id key and the chunker's gear table comes
 * from its chunker key ({@code chunking.ChunkIds}, {@code FastCdc.keyedGear}), so neither tells whoever
 * reads the files whether a chunk they know is stored. Encrypted groups created before keep plain SHA-256
 * fingerprints, which do tell it. The layout is the same either way.
 *
 * <h2>Crash safety</h2>
 * Each record carries its own checksum, so after a crash a container the metadata does not know as
 * sealed is scanned from the header and cut at the first torn or unchecked record; index entries pointing
 * past that cut are dropped (see {@code core.Recovery}). It counts as sealed only if an intact trailer
 * listing exactly the records before the cut fills the rest of the file: the last bytes alone prove
 * nothing, since a record stored raw ends with a user's bytes. Metadata that references a chunk (recipes, block maps) is only committed after
 * the container bytes holding it are fsynced, so a committed reference never points at lost data.
 */
package dev.cistern.engine.store;
