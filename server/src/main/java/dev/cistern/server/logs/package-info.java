/**
 * Log files: one rolling file per service plus the audit log, beside the combined {@code cistern.log} that
 * {@code LogSetup} writes. Rotation is by size and by day; rolled files are gzipped and pruned by age and by
 * total size (see {@link dev.cistern.server.logs.ServiceLogs}).
 */
package dev.cistern.server.logs;
