/**
 * The engine's implementation. Only {@code dev.cistern.engine} is API; nothing here is called from outside.
 *
 * <h2>Data model</h2>
 * Storage group (dedup domain, compression, key, quota) → container → entry. A stream entry has a
 * recipe in segments of consecutive steps (RECIPES: entry id | offset of the first step → (fingerprint |
 * length) per step, see {@link dev.cistern.engine.core.Recipe}); a volume has a block map (BLOCKS: entry id
 * | unit → fingerprint; absent = zeros). Chunks live once per group in chunk containers, found through
 * the fingerprint index (INDEX: group | fingerprint → container, offset, lengths). Dedup is per storage
 * group: groups have their own keys, so a chunk of one encrypted group cannot be read through another. A
 * fingerprint is the chunk's SHA-256, or in a group with keyed ids (created encrypted since them) a keyed
 * id under that group's secret key ({@link dev.cistern.engine.chunking.ChunkIds}): whatever computes or
 * checks one goes through its group's {@code GroupState.ids()}, never {@code Fingerprint.of} directly.
 *
 * <h2>Durability (what "acknowledged" means)</h2>
 * New chunks are appended to the writer's open container and indexed without fsync. A commit or flush
 * first forces every container byte the new references depend on (the writer's own container, and any
 * other writer's open container it deduplicated against), then writes the references in one synced
 * RocksDB batch. So a durable reference never points at data that can be lost; data that was never
 * acknowledged may be lost and is then cut off by {@link dev.cistern.engine.core.Recovery}.
 *
 * <h2>Cleaner vs. writers</h2>
 * The danger: a writer finds chunk X in the index (so does not store it again) while the cleaner, which
 * has not seen any reference to X, deletes it. The protocol ({@link dev.cistern.engine.core.ReferenceTracker}):
 * <ul>
 * <li>Writers look up and note references under the group's read lock; each writer keeps the chunks it
 *     referenced since its last commit. A stream copied by reference ({@code writeCopyOf}) and a
 *     boundary predicted from the cache are no exception: the first looks its chunks up in the index
 *     the same way, the second is only a guess that the chunk's own lookup confirms.</li>
 * <li>The cleaner, under the write lock, turns on a "touched" set seeded with all writers' uncommitted
 *     references; from then on every reference also goes there. Only then does it snapshot the metadata.
 *     A reference is thus either committed before the snapshot (the mark phase sees it), uncommitted at
 *     that moment (seeded), or made later (touched).</li>
 * <li>The cleaner decides a chunk is dead and deletes its index entry under the write lock, so any later
 *     lookup misses and stores a fresh copy. It unlists the chunk and drops the container from the locality
 *     cache in the same locked step, and every load of a listing into that cache (by writers, readers or
 *     the boundary predictor) happens under the read lock: a stale listing cannot bring a dead chunk back. Live chunks are copied, forced, re-indexed, and only then is
 *     the old file deleted; a reader holding the old location re-resolves through the index.</li>
 * <li>Only sealed containers are swept; new chunks go to open ones. A writer seals its full container
 *     right after appending and lists those last records in its index batch, both inside one hold of the
 *     read lock: the cleaner therefore reads a container's listing again under the write lock before it
 *     decides anything (a listing read before could miss them, and they went with the old file).</li>
 * <li>One copy of a chunk per group is listed where the index has it. A writer that claims a new chunk
 *     (the in-flight map) looks in the index once more before storing it: another writer may have
 *     stored it since the lookup and its cache entry be gone already. A second copy would repoint the
 *     index and leave the first listed, where the cache could load it and a writer dedup against a
 *     copy the cleaner treats as dead. The first open of an older directory unlists such copies.</li>
 * <li>The unit of liveness is the record: a frame with any live chunk is copied whole and all its chunks
 *     stay indexed (they are valid data; a writer may dedup against them again).</li>
 * </ul>
 * {@code CleanerTest.cleanerRacingIngestOfOverlappingDataLosesNothing} races them.
 *
 * <p>A clean can be cancelled ({@link dev.cistern.engine.Progress#cancelled()}); it stops only between
 * containers, never between a container's index changes, copy and delete, and releases the tracker and the
 * snapshot as a finished run does. So cancelling changes none of the above.
 * {@code CleanerTest.aCancelledCleanLosesNothingAndTheNextOneFinishes} checks it.
 *
 * <h2>Large reads</h2>
 * A restore, a big GET or a multi-unit volume read is a {@link dev.cistern.engine.core.RangeRead}: the
 * reading thread locates the chunks a piece at a time while the ingest workers read and decode earlier
 * pieces straight into the caller's array ({@link dev.cistern.engine.core.PlannedWork}). The rule that
 * keeps this safe: the call never returns while a worker may still write into that array, whatever the
 * reading thread throws and even when it is interrupted. A location found this way may be stale by the
 * time the run is read (the cleaner moved the chunk): the decode then fails its checks and the chunk is
 * read again through the index, as every read does.
 *
 * <h2>Locking table</h2>
 * <pre>
 *              | ingest            | clean                    | verify    | read
 * ingest       | own containers    | tracker read/write lock  | none      | none
 * clean        |                   | one at a time (BUSY)     | none      | reads re-resolve moved chunks
 * verify       |                   |                          | one (BUSY)| none
 * </pre>
 */
package dev.cistern.engine.core;
