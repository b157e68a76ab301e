package dev.cistern.server;

import dev.cistern.server.frontend.IscsiFrontEnd;
import dev.cistern.server.frontend.S3FrontEnd;
import java.util.List;

/**
 * The protocol front ends this build of the server offers, in start order (after the engine and the REST
 * API). Add a front end here to give it a service and a {@code --<protocol>-port} option.
 */
public final class ProtocolFrontEnds {
    private ProtocolFrontEnds() {
    }

    public static List<ProtocolFrontEnd> all() {
        return List.of(new IscsiFrontEnd(), new S3FrontEnd());
    }
}
