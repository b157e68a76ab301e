package dev.cistern.iscsi;

import java.net.InetSocketAddress;

/**
 * A logged-in session as shown to admins.
 *
 * @param isid the initiator's session id part, 12 hex digits
 * @param tsih the target's session handle
 */
public record SessionInfo(String initiatorIqn, String targetIqn, InetSocketAddress remoteAddress, String isid,
                          int tsih, boolean discovery) {
}
