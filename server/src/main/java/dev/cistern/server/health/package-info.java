/**
 * The health monitor and the alerts and events database.
 *
 * <p>An <em>alert</em> is a condition that needs attention, keyed by what it is about ("capacity",
 * "quota:backups", "service:engine"); raising an open key again refreshes it, so a check every few seconds makes
 * one alert, and the condition going away clears it. Acknowledging records who knows about it; it does not clear
 * it. An <em>event</em> is a fact for the record (a login, a change, a restart). Both live in
 * {@link dev.cistern.server.health.HealthStore}, rewritten atomically on each change and pruned by age and count.
 *
 * <p>{@link dev.cistern.server.health.HealthMonitorService} turns observations into alerts: data file system fill,
 * quotas, service states and restart counts (from the registry the watcher updates), certificate expiry,
 * verify reports, and a marker file that reveals a previous process that died without stopping.
 */
package dev.cistern.server.health;
