package dev.cistern.server.monitor;

import java.util.Locale;
import java.util.Map;

/**
 * Renders the latest snapshot in the Prometheus text exposition format (version 0.0.4): one HELP and TYPE line
 * per metric family, then its samples labelled by storage group or container. Label values are engine names
 * ([a-z0-9.-]), which need no escaping; service names are escaped anyway.
 */
public final class PrometheusText {
    private final StringBuilder out = new StringBuilder();

    public static String render(Snapshot s, Map<String, Boolean> servicesUp, Map<String, Integer> activeAlertsBySeverity) {
        PrometheusText p = new PrometheusText();
        p.family("cistern_up", "gauge", "1 if the service is healthy (up or degraded), 0 if down");
        servicesUp.forEach((name, up) -> p.sample("cistern_up", "service", name, up ? 1 : 0));
        p.family("cistern_alerts_active", "gauge", "alerts raised and not cleared, by severity");
        activeAlertsBySeverity.forEach((sev, n) -> p.sample("cistern_alerts_active", "severity", sev, n));
        if (s.server() != null) {
            p.family("cistern_free_bytes", "gauge", "free space of the data directory");
            p.sample("cistern_free_bytes", null, null, s.server().freeBytes());
            p.all(s, "logical_bytes", "gauge", "bytes as clients see them", Sample::logicalBytes);
            p.all(s, "unique_bytes", "gauge", "bytes of distinct chunks before compression", Sample::uniqueBytes);
            p.all(s, "stored_bytes", "gauge", "bytes on disk after compression", Sample::storedBytes);
            p.all(s, "written_bytes_total", "counter", "bytes received from clients since the engine started", Sample::bytesWritten);
            p.all(s, "read_bytes_total", "counter", "bytes served to clients since the engine started", Sample::bytesRead);
        }
        return p.out.toString();
    }

    private void all(Snapshot s, String metric, String type, String help, java.util.function.ToLongFunction<Sample> f) {
        String name = "cistern_" + metric;
        family(name, type, help);
        sample(name, null, null, f.applyAsLong(s.server()));
        s.groups().forEach((g, v) -> sample(name, "storage_group", g, f.applyAsLong(v)));
        s.containers().forEach((c, v) -> sample(name, "container", c, f.applyAsLong(v)));
    }

    private void family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, String label, String value, long v) {
        out.append(name);
        if (label != null) {
            out.append('{').append(label).append("=\"")
                    .append(value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append("\"}");
        }
        out.append(' ').append(String.format(Locale.ROOT, "%d", v)).append('\n');
    }
}
