package dev.cistern.iscsi.session;

import dev.cistern.iscsi.SessionInfo;
import dev.cistern.iscsi.TargetCatalog;
import dev.cistern.iscsi.TargetDefinition;
import dev.cistern.iscsi.login.TextParams;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Text requests in the full feature phase, in practice SendTargets (RFC 7143 appendix C): the targets
 * this initiator may log in to and the portal it reached us on. Other keys are not renegotiable after
 * login and get "NotUnderstood".
 */
final class Discovery {
    private Discovery() {
    }

    /** The text answering a whole (possibly reassembled) Text Request's key=value pairs. */
    static byte[] answer(byte[] request, TargetCatalog catalog, SessionInfo session, SocketAddress local) {
        Map<String, String> keys;
        try {
            keys = TextParams.parse(request);
        } catch (IllegalArgumentException e) {
            keys = Map.of();
        }
        StringBuilder out = new StringBuilder();
        String portal = portal((InetSocketAddress) local);
        for (Map.Entry<String, String> e : keys.entrySet()) {
            if (e.getKey().equals("SendTargets")) {
                String which = e.getValue();
                for (TargetDefinition t : catalog.targets()) {
                    boolean wanted = which.equals("All") ? session.discovery()
                            : which.isEmpty() ? t.iqn().equalsIgnoreCase(session.targetIqn())
                            : t.iqn().equalsIgnoreCase(which);
                    if (wanted && t.allows(session.initiatorIqn())) {
                        out.append("TargetName=").append(t.iqn()).append('\0');
                        out.append("TargetAddress=").append(portal).append(",1").append('\0');
                    }
                }
            } else {
                Map<String, String> nu = new LinkedHashMap<>();
                nu.put(e.getKey(), "NotUnderstood");
                out.append(new String(TextParams.encode(nu), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String portal(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        if (a.getAddress() instanceof Inet6Address) {
            int pct = host.indexOf('%');
            host = "[" + (pct >= 0 ? host.substring(0, pct) : host) + "]";
        }
        return host + ":" + a.getPort();
    }
}
