package dev.cistern.vtl;

import dev.cistern.engine.ContainerInfo;
import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineException;
import dev.cistern.iscsi.ChapCredentials;
import dev.cistern.iscsi.EngineTargetCatalog;
import dev.cistern.iscsi.TargetCatalog;
import dev.cistern.iscsi.TargetDefinition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tape libraries as iSCSI targets: every container of protocol {@code vtl} is the target
 * {@code iqn.2026-11.dev.cistern:<container>} with the changer at LUN 0 and drive i at LUN i+1. Takes
 * the same container properties as disk targets ({@code chap.user}, {@code chap.secret},
 * {@code chap.mutual.user}, {@code chap.mutual.secret}, {@code initiators}). The server serves it next
 * to {@link EngineTargetCatalog} on one listener, e.g. {@code () -> concat(disks.targets(), tapes.targets())}.
 */
public final class VtlTargetCatalog implements TargetCatalog {
    private static final System.Logger LOG = System.getLogger(VtlTargetCatalog.class.getName());
    private final Engine engine;

    public VtlTargetCatalog(Engine engine) {
        this.engine = engine;
    }

    @Override
    public List<TargetDefinition> targets() {
        List<TargetDefinition> out = new ArrayList<>();
        for (ContainerInfo c : engine.listContainers(null)) {
            if (!TapeLibraries.PROTOCOL.equals(c.protocol())) continue;
            try {
                Map<String, String> p = c.properties();
                Set<String> initiators = new LinkedHashSet<>();
                Arrays.stream(p.getOrDefault("initiators", "").split(",")).map(String::trim)
                        .filter(s -> !s.isEmpty()).forEach(initiators::add);
                out.add(new TargetDefinition(EngineTargetCatalog.iqnOf(c.name()), TapeLibraries.luns(engine, c.name()),
                        credentials(p.get("chap.user"), p.get("chap.secret")),
                        credentials(p.get("chap.mutual.user"), p.get("chap.mutual.secret")), initiators));
            } catch (IllegalArgumentException | EngineException e) {
                LOG.log(System.Logger.Level.WARNING, "tape library ''{0}'' not exported: {1}", c.name(), e.getMessage());
            }
        }
        return out;
    }

    private static ChapCredentials credentials(String user, String secret) {
        if ((user == null || user.isEmpty()) && (secret == null || secret.isEmpty())) return null;
        return new ChapCredentials(user, secret);
    }
}
