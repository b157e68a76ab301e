package dev.cistern.iscsi;

import java.util.List;
import java.util.Optional;

/**
 * What the target exports: asked at every login and SendTargets, so changes (a LUN added, a secret
 * changed) apply to the next login without restarting the listener. Implementations must be safe for
 * concurrent use.
 */
public interface TargetCatalog {

    /** All targets, in the order discovery should list them. */
    List<TargetDefinition> targets();

    /** The target with this IQN (IQNs compare case-insensitively, RFC 3722). */
    default Optional<TargetDefinition> target(String iqn) {
        return targets().stream().filter(t -> t.iqn().equalsIgnoreCase(iqn)).findFirst();
    }
}
