package dev.cistern.iscsi;

import java.util.List;
import java.util.Set;

/**
 * One exported target.
 *
 * @param iqn               the target name
 * @param luns              its logical units, numbered as they should appear in REPORT LUNS
 * @param chap              credentials an initiator must prove, or null for no authentication
 * @param mutualChap        credentials the target proves to the initiator (mutual CHAP), or null
 * @param allowedInitiators initiator IQNs allowed to log in; empty means any
 */
public record TargetDefinition(String iqn, List<LunDefinition> luns, ChapCredentials chap, ChapCredentials mutualChap,
                               Set<String> allowedInitiators) {
    public TargetDefinition {
        luns = List.copyOf(luns);
        allowedInitiators = Set.copyOf(allowedInitiators == null ? Set.of() : allowedInitiators);
    }

    public boolean allows(String initiatorIqn) {
        return allowedInitiators.isEmpty()
                || allowedInitiators.stream().anyMatch(a -> a.equalsIgnoreCase(initiatorIqn));
    }
}
