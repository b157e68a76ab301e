package dev.cistern.engine;

import java.util.Map;

/**
 * A container to create inside a storage group. {@code protocol} names the front end that exports it
 * ("iscsi", "vtl", "nfs", "s3", "client"); the engine stores it and {@code properties} without
 * interpreting them, so protocol settings (CHAP user, drive count...) live with the container.
 */
public record ContainerSpec(String name, String protocol, Map<String, String> properties) {
    public ContainerSpec {
        Names.check("container", name);
        if (protocol == null || !protocol.matches("[a-z0-9-]{1,16}")) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT,
                    "invalid protocol '" + protocol + "' for container '" + name + "'");
        }
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }
}
