package dev.cistern.iscsi;

import dev.cistern.engine.BlockVolume;
import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.ContainerInfo;
import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.EntryInfo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Targets as the engine stores them: every container with protocol {@code iscsi} is the target
 * {@code iqn.2026-11.dev.cistern:<container>}; its volume entries {@code lun-0}, {@code lun-1}, ... are
 * the LUNs; container properties carry the access rules ({@code chap.user}, {@code chap.secret},
 * {@code chap.mutual.user}, {@code chap.mutual.secret}, {@code initiators} as comma-separated IQNs).
 * Persistent reservations of LUN N live in the stream entry {@code pr-lun-N} of the same container, the
 * mark of a sanitize that did not complete in the attribute {@code sanitize} of {@code lun-N} itself.
 * Read afresh at each login, so admin changes apply to the next login.
 */
public final class EngineTargetCatalog implements TargetCatalog {
    public static final String IQN_PREFIX = "iqn.2026-11.dev.cistern:";
    public static final String PROTOCOL = "iscsi";
    private static final System.Logger LOG = System.getLogger(EngineTargetCatalog.class.getName());
    private static final Pattern LUN_ENTRY = Pattern.compile("lun-(\\d{1,5})");

    private final Engine engine;

    public EngineTargetCatalog(Engine engine) {
        this.engine = engine;
    }

    public static String iqnOf(String container) {
        return IQN_PREFIX + container;
    }

    @Override
    public List<TargetDefinition> targets() {
        List<TargetDefinition> out = new ArrayList<>();
        for (ContainerInfo c : engine.listContainers(null)) {
            if (!PROTOCOL.equals(c.protocol())) continue;
            try {
                out.add(definition(c));
            } catch (IllegalArgumentException | EngineException e) {
                // one misconfigured container must not hide the others; it is simply not exported
                LOG.log(System.Logger.Level.WARNING, "iSCSI container ''{0}'' not exported: {1}", c.name(),
                        e.getMessage());
            }
        }
        return out;
    }

    private TargetDefinition definition(ContainerInfo c) {
        ContainerHandle h = engine.openContainer(c.name());
        List<LunDefinition> luns = new ArrayList<>();
        for (EntryInfo e : h.list("lun-", null, 100_000)) {
            Matcher m = LUN_ENTRY.matcher(e.name());
            if (e.kind() != EntryInfo.Kind.VOLUME || !m.matches()) continue;
            int n = Integer.parseInt(m.group(1));
            if (n > 16383) continue;
            String name = e.name();
            luns.add(new LunDefinition(n, () -> h.openVolume(name), new EngineReservationStore(h, "pr-" + name),
                    new EngineSanitizeStore(h, name)));
        }
        Map<String, String> p = c.properties();
        ChapCredentials chap = credentials(p.get("chap.user"), p.get("chap.secret"));
        ChapCredentials mutual = credentials(p.get("chap.mutual.user"), p.get("chap.mutual.secret"));
        Set<String> initiators = new LinkedHashSet<>();
        String list = p.getOrDefault("initiators", "");
        Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(initiators::add);
        return new TargetDefinition(iqnOf(c.name()), luns, chap, mutual, initiators);
    }

    private static ChapCredentials credentials(String user, String secret) {
        if ((user == null || user.isEmpty()) && (secret == null || secret.isEmpty())) return null;
        return new ChapCredentials(user, secret);
    }

    /**
     * Adds a thin LUN to an iSCSI container under the lowest free number; returns that number. Visible
     * to the next login (initiators rescan with REPORT LUNS after re-login).
     */
    public static int addLun(Engine engine, String container, long sizeBytes, int blockSize, boolean readOnly) {
        if (blockSize != 512 && blockSize != 4096) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT,
                    "block size of a LUN in '" + container + "' must be 512 or 4096, got " + blockSize);
        }
        if (sizeBytes <= 0 || sizeBytes % blockSize != 0) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "LUN size " + sizeBytes
                    + " in '" + container + "' must be a positive multiple of the block size " + blockSize);
        }
        ContainerHandle h = openIscsi(engine, container);
        Set<Integer> used = new java.util.HashSet<>();
        for (EntryInfo e : h.list("lun-", null, 100_000)) {
            Matcher m = LUN_ENTRY.matcher(e.name());
            if (m.matches()) used.add(Integer.parseInt(m.group(1)));
        }
        int n = 0;
        while (used.contains(n)) n++;
        if (n > 16383) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "container '" + container
                    + "' already has the maximum of 16384 LUNs");
        }
        try (BlockVolume v = h.createVolume("lun-" + n, sizeBytes, blockSize, readOnly)) {
            return n;
        }
    }

    /** Removes LUN {@code lun} and its reservation state; NOT_FOUND if it does not exist. */
    public static void removeLun(Engine engine, String container, int lun) {
        ContainerHandle h = openIscsi(engine, container);
        h.delete("lun-" + lun);
        if (h.stat("pr-lun-" + lun).isPresent()) h.delete("pr-lun-" + lun);
    }

    private static ContainerHandle openIscsi(Engine engine, String container) {
        ContainerInfo info = engine.container(container);
        if (!PROTOCOL.equals(info.protocol())) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "container '" + container
                    + "' has protocol '" + info.protocol() + "', not iscsi: it cannot hold LUNs");
        }
        return engine.openContainer(container);
    }
}
