package dev.cistern.server;

import dev.cistern.server.service.Service;

import java.net.InetSocketAddress;

/**
 * A protocol front end (iSCSI, S3, NFS...) as the server wires it: it becomes a service listening on its
 * own port, configured by {@code cistern serve --<protocol>-port N} (0 disables it). Front ends are listed
 * explicitly in {@link ProtocolFrontEnds}; nothing registers itself.
 */
public interface ProtocolFrontEnd {

    /** Lower-case protocol name; also the option name ({@code --iscsi-port}) and the service name. */
    String protocol();

    /** The port used when none is given (3260 for iSCSI, 9000 for S3). */
    int defaultPort();

    /** What listens on the port, for {@code --help} ("Port of the " + this): "S3 API (buckets: ...)". */
    String description();

    /**
     * Builds the service; it must not listen before {@link Service#start()}. A service that keeps the engine
     * it got in {@code start()} (from {@code context.engine().get()}) should return {@code List.of("engine")}
     * from {@link Service#dependsOn()}, so the watcher restarts it after an engine restart.
     */
    Service create(ServerContext context, InetSocketAddress address);
}
