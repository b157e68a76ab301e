/**
 * The monitor service: statistics for the charts and for Prometheus.
 *
 * <p>{@link dev.cistern.server.monitor.MonitorService} samples the engine's counters on its own thread every few
 * seconds (never on a request thread) for the server, each storage group and each container, and records them in
 * {@link dev.cistern.server.monitor.StatsDatabase}: one rrd4j round-robin file per subject, fixed in size, raw
 * samples for an hour and averages per minute, hour and day beyond. Traffic counters restart at zero with the
 * engine; they are stored as DERIVE with a minimum of zero, so a restart is a gap, never a negative rate.
 * Time comes from the injected clock, so tests drive the database with explicit instants.
 */
package dev.cistern.server.monitor;
