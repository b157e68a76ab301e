package dev.cistern.server.frontend;

import dev.cistern.iscsi.EngineTargetCatalog;
import dev.cistern.iscsi.IscsiTarget;
import dev.cistern.iscsi.SessionInfo;
import dev.cistern.iscsi.TargetDefinition;
import dev.cistern.iscsi.TargetLimits;
import dev.cistern.iscsi.session.CommandMemory;
import dev.cistern.vtl.VtlTargetCatalog;
import dev.cistern.server.ProtocolFrontEnd;
import dev.cistern.server.ServerContext;
import dev.cistern.server.service.Health;
import dev.cistern.server.service.Service;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The iSCSI target on {@code --iscsi-port} (default 3260): every container with protocol iscsi is a
 * target {@code iqn.2026-11.dev.cistern:<name>} whose LUNs are its {@code lun-N} volumes, and every
 * container with protocol vtl is a tape library target (changer at LUN 0, drives after it).
 */
public final class IscsiFrontEnd implements ProtocolFrontEnd {
    public static final String NAME = "iscsi";

    private final TargetLimits limits;

    public IscsiFrontEnd() {
        this(TargetLimits.defaults());
    }

    /** @param limits connections, sessions and login time granted to clients (see {@link TargetLimits}) */
    public IscsiFrontEnd(TargetLimits limits) {
        this.limits = limits;
    }

    /** What the REST API asks of the running target. */
    public interface Sessions {
        List<SessionInfo> sessions();
    }

    @Override
    public String protocol() {
        return NAME;
    }

    @Override
    public int defaultPort() {
        return 3260;
    }

    @Override
    public String description() {
        return "iSCSI target (disks: containers with protocol iscsi; tape libraries: vtl)";
    }

    @Override
    public Service create(ServerContext context, InetSocketAddress address) {
        return new IscsiService(context, address, limits);
    }

    private static final class IscsiService implements Service, Sessions {
        private final ServerContext context;
        private final InetSocketAddress address;
        private final TargetLimits limits;
        private IscsiTarget target;

        IscsiService(ServerContext context, InetSocketAddress address, TargetLimits limits) {
            this.context = context;
            this.address = address;
            this.limits = limits;
        }

        @Override
        public String name() {
            return NAME;
        }

        /** Its catalog holds the engine it started with, so it restarts whenever the engine does. */
        @Override
        public List<String> dependsOn() {
            return List.of("engine");
        }

        @Override
        public synchronized void start() {
            var engine = context.engine().get();
            // disks and tape libraries on one listener: each container is one target
            var disks = new EngineTargetCatalog(engine);
            var tapes = new VtlTargetCatalog(engine);
            IscsiTarget t = new IscsiTarget(() -> {
                List<TargetDefinition> all = new java.util.ArrayList<>(disks.targets());
                all.addAll(tapes.targets());
                return all;
            }, address, IscsiTarget.DEFAULT_KEEPALIVE_IDLE, CommandMemory.forHeap(), limits);
            t.start();
            target = t;
        }

        @Override
        public synchronized void stop() {
            if (target != null) target.stop();
            target = null;
        }

        @Override
        public synchronized Health health() {
            if (target == null) return Health.down("not started");
            return target.healthy() ? Health.up("listening on port " + target.port() + ", " + target.sessions().size()
                    + " session(s)") : Health.down("iSCSI listener is down");
        }

        @Override
        public synchronized List<SessionInfo> sessions() {
            return target == null ? List.of() : target.sessions();
        }
    }
}
