/**
 * The management plane's wiring and REST surface: {@link dev.cistern.server.mgmt.Management} builds the monitor
 * and health services, the audit filter around the REST API, the chart, alert, event and log resources,
 * {@code /metrics} and the static web UI, and hands them to {@code CisternServer}, the one place services are
 * wired. Its settings ({@link dev.cistern.server.mgmt.MgmtSettings}) come from {@code config/management.json}.
 */
package dev.cistern.server.mgmt;
