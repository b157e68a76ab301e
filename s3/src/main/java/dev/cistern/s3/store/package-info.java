/**
 * The S3 data model on the engine's container API.
 *
 * <h2>Entry layout of a bucket's container</h2>
 * See {@link dev.cistern.s3.store.ObjectNames}: {@code o/KEY} current versions, {@code v/KEY\u0001ID}
 * noncurrent versions (ids sort newest first), {@code u/ID} uploads in progress, {@code p/ID/NNNNN}
 * parts, {@code t/UUID} short-lived staging copies. Object metadata lives in entry attributes
 * ({@link dev.cistern.s3.store.ObjectMeta}); bucket settings in container properties.
 *
 * <h2>Crash behaviour (the engine commits each step atomically and durably)</h2>
 * <ul>
 *   <li>New version in a versioned bucket: copy current → noncurrent name, then commit the new one. A crash
 *       between leaves the old version under both names with the same id; listings skip the duplicate.</li>
 *   <li>Delete of the current version by id: the newest noncurrent version is copied over the current
 *       name (atomic replace), then its noncurrent name is deleted; a crash leaves the same harmless duplicate.</li>
 *   <li>CopyObject within a bucket: chunk-sharing copy to {@code t/UUID}, attributes set there, then copied
 *       over {@code o/KEY}; a crash before that leaves an invisible {@code t/} entry (reclaimed when the
 *       bucket is deleted; a sweeper is not written yet).</li>
 *   <li>Complete/Abort of a multipart upload: the object commit (or the upload entry's delete) comes first,
 *       part entries are deleted after; a crash can leave orphan parts, never a half-visible object.</li>
 * </ul>
 *
 * <h2>Concurrency</h2>
 * Within one server, writers of the same key serialize their check-and-publish steps on
 * {@link dev.cistern.s3.store.KeyLocks} (conditional PUT, version bookkeeping, Object Lock checks); the
 * body streams in without the lock. Readers need no lock: a GET opens the stream first and describes
 * it from that stream's own attributes.
 */
package dev.cistern.s3.store;
