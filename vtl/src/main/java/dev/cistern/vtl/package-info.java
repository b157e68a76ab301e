/**
 * Cistern's virtual tape library: a medium changer (SMC-3, package {@code smc}) and tape drives
 * (SSC-3, package {@code ssc}) presented as LUNs of the iSCSI target, over cartridges stored as
 * deduplicated engine streams (package {@code media}); the library's elements and which cartridge
 * is where live in package {@code library}. {@link dev.cistern.vtl.TapeLibraries} is the API for REST
 * and CLI, {@link dev.cistern.vtl.VtlTargetCatalog} exports the libraries as iSCSI targets.
 *
 * <p>Layers, as in tgt: the iSCSI transport (module {@code iscsi}) hands each CDB to the LUN's
 * {@code LogicalUnit}, whose command table (one per device type, built once) dispatches to handlers
 * here; handlers reach their drive or changer through {@code LogicalUnit.device}. Device models know
 * nothing of iSCSI; only {@code media} and {@code library} touch the engine.
 *
 * <p>Locking: a drive's commands run under the drive's monitor; a move takes the library's monitor,
 * then the drive's (never the other way round), and is persisted before it is acknowledged.
 */
package dev.cistern.vtl;
