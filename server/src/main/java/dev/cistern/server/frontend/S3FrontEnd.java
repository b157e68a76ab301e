package dev.cistern.server.frontend;

import dev.cistern.s3.S3Config;
import dev.cistern.s3.S3Server;
import dev.cistern.server.ProtocolFrontEnd;
import dev.cistern.server.ServerContext;
import dev.cistern.server.service.Health;
import dev.cistern.server.service.Service;
import java.net.InetSocketAddress;

/** S3 object containers on {@code --s3-port} (default 9000): every bucket is a container with protocol s3. */
public final class S3FrontEnd implements ProtocolFrontEnd {

    @Override
    public String protocol() {
        return "s3";
    }

    @Override
    public int defaultPort() {
        return 9000;
    }

    @Override
    public String description() {
        return "S3 API (buckets: containers with protocol s3)";
    }

    @Override
    public Service create(ServerContext context, InetSocketAddress address) {
        return new Service() {
            private S3Server server;

            @Override
            public String name() {
                return "s3";
            }

            /** It holds the engine it started with, so it restarts whenever the engine does. */
            @Override
            public java.util.List<String> dependsOn() {
                return java.util.List.of("engine");
            }

            @Override
            public synchronized void start() {
                // the engine may have been restarted by the watcher: take the current one
                S3Server s = new S3Server(context.engine().get(), S3Keys.of(context.layout().root(), context.config()).credentials(), address, null,
                        S3Config.defaults().withClock(context.clock()));
                s.start();
                server = s;
            }

            @Override
            public synchronized void stop() {
                if (server != null) server.stop();
                server = null;
            }

            @Override
            public synchronized Health health() {
                if (server == null) return Health.down("not started");
                return server.healthy() ? Health.up("listening on port " + server.port()) : Health.down("S3 listener is down");
            }
        };
    }
}
