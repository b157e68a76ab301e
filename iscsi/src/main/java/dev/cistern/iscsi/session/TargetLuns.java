package dev.cistern.iscsi.session;

import dev.cistern.iscsi.LunDefinition;
import dev.cistern.iscsi.TargetDefinition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.sbc.DiskModel;
import dev.cistern.iscsi.scsi.spc.Reservations;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The open logical units of every target, shared by all sessions so that reservations and mode pages
 * made through one session are seen by the others. A LUN's volume is opened on the first login that
 * needs it and closed when the LUN leaves the catalog or the target stops.
 */
public final class TargetLuns implements AutoCloseable {
    private final Map<String, Map<Integer, LogicalUnit>> open = new HashMap<>();

    /** The units of {@code target} as the catalog now defines them, opening new ones and closing removed ones. */
    public synchronized Map<Integer, LogicalUnit> refresh(TargetDefinition target) {
        String key = target.iqn().toLowerCase(java.util.Locale.ROOT);
        Map<Integer, LogicalUnit> current = open.computeIfAbsent(key, k -> new TreeMap<>());
        Map<Integer, LunDefinition> wanted = new TreeMap<>();
        for (LunDefinition d : target.luns()) wanted.put(d.number(), d);
        current.entrySet().removeIf(e -> {
            if (wanted.containsKey(e.getKey())) return false;
            e.getValue().close();
            return true;
        });
        for (LunDefinition d : wanted.values()) {
            current.computeIfAbsent(d.number(), n -> d.device() != null
                    ? d.device().open(n, new Reservations(d.reservations()))
                    : new LogicalUnit(n, d.volume().get(), DiskModel.commands(), new Reservations(d.reservations()),
                            d.sanitize(), serial(target.iqn(), n)));
        }
        return Map.copyOf(current);
    }

    /** The units already open for {@code iqn} (no catalog lookup): for resets. */
    public synchronized Map<Integer, LogicalUnit> current(String iqn) {
        Map<Integer, LogicalUnit> m = open.get(iqn.toLowerCase(java.util.Locale.ROOT));
        return m == null ? Map.of() : Map.copyOf(m);
    }

    /** A stable serial: the same target and LUN number always give the same VPD 0x80/0x83 identity. */
    static String serial(String iqn, int lun) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((iqn.toLowerCase(java.util.Locale.ROOT) + "/" + lun)
                    .getBytes(StandardCharsets.UTF_8));
            return "CST" + HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        for (Map<Integer, LogicalUnit> m : open.values()) m.values().forEach(LogicalUnit::close);
        open.clear();
    }
}
