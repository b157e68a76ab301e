package dev.cistern.server.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.stream.Stream;

/**
 * Host-name resolution for the server's JVM: forward lookups by the JDK's own resolver, reverse lookups
 * never. The JDK's HTTPS server asks for the client's host name before every new TLS connection (it
 * names the peer of its SSLEngine by it), so a slow or hostile reverse-DNS zone held each connection
 * for the resolver's timeout, 5 s. Nothing in Cistern needs a client's host name: logs, the audit and
 * the throttles use addresses. Installed through {@code META-INF/services}, so it covers the whole JVM.
 */
public final class NoReverseLookupResolverProvider extends InetAddressResolverProvider {
    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                // getHostName() then answers the address itself, at once
                throw new UnknownHostException("reverse lookups are not used by this server");
            }
        };
    }

    @Override
    public String name() {
        return "cistern: no reverse lookups";
    }
}
