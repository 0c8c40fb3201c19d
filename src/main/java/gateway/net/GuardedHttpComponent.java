package gateway.net;

import javax.net.ssl.SSLSocket;

import org.apache.camel.component.http.HttpComponent;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.io.DetachedSocketFactory;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.client5.http.socket.ConnectionSocketFactory;
import org.apache.hc.client5.http.socket.LayeredConnectionSocketFactory;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.config.Lookup;
import org.apache.hc.core5.http.config.Registry;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;

/**
 * Camel's http (or https) component whose connections pass the {@link AddressGuard} when they connect.
 * <p>
 * Why the socket and not the {@code ConnectionSocketFactory}: Apache HttpClient 5.5 no longer calls a socket
 * factory's {@code connectSocket}. Its connection operator makes a plain socket itself (a
 * {@link DetachedSocketFactory}), connects it to each resolved address in turn, and uses the registry's factories
 * only to layer TLS over it. So the operator here is given sockets that check the address on connect
 * ({@link GuardedSocket}), and the registry Camel builds (its TLS settings, hostname verifier) layers TLS as before.
 * Every connection manager this component makes is built here; one set on the component or an endpoint
 * ({@code clientConnectionManager}) would bypass the guard, and the gateway sets none.
 */
public class GuardedHttpComponent extends HttpComponent {

    private final AddressGuard guard;

    public GuardedHttpComponent(AddressGuard guard) {
        this.guard = guard;
    }

    public AddressGuard guard() {
        return guard;
    }

    /** As {@link HttpComponent}'s (same pool policy, time to live, limits and socket config), on guarded sockets. */
    @Override
    protected HttpClientConnectionManager createConnectionManager(Registry<ConnectionSocketFactory> registry,
            int maxTotalConnections, int connectionsPerRoute, SocketConfig defaultSocketConfig) {
        DetachedSocketFactory sockets = proxy -> proxy == null ? new GuardedSocket(guard) : new GuardedSocket(guard, proxy);
        DefaultHttpClientConnectionOperator operator = new DefaultHttpClientConnectionOperator(sockets, null, null,
                tlsOf(registry));
        PoolingHttpClientConnectionManager manager = new PoolingHttpClientConnectionManager(operator,
                PoolConcurrencyPolicy.STRICT, PoolReusePolicy.LIFO, TimeValue.ofMilliseconds(getConnectionTimeToLive()), null);
        int total = maxTotalConnections != 0 ? maxTotalConnections : getMaxTotalConnections();
        if (total > 0) {
            manager.setMaxTotal(total);
        }
        manager.setDefaultSocketConfig(defaultSocketConfig);
        int perRoute = connectionsPerRoute != 0 ? connectionsPerRoute : getConnectionsPerRoute();
        if (perRoute > 0) {
            manager.setDefaultMaxPerRoute(perRoute);
        }
        return manager;
    }

    /** The registry's TLS factories as the operator wants them (what HttpClient's own adapter does). */
    private static Lookup<TlsSocketStrategy> tlsOf(Registry<ConnectionSocketFactory> registry) {
        return scheme -> registry.lookup(scheme) instanceof LayeredConnectionSocketFactory layered
                ? (socket, target, port, attachment, context) ->
                        (SSLSocket) layered.createLayeredSocket(socket, target, port, attachment, context)
                : null;
    }
}
