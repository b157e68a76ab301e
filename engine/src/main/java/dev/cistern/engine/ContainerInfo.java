package dev.cistern.engine;

import java.time.Instant;
import java.util.Map;

/** A container as it stands. Container names are unique across the whole server. */
public record ContainerInfo(long id, String name, String groupName, String protocol, Map<String, String> properties,
                            Instant createdAt) {
}
