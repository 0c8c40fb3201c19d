package gateway.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketAddress;

/**
 * A plain socket that asks the guard before it connects: the check is on the address the connection really goes
 * to, after every lookup, so neither a spelling of the URL nor a DNS answer that changed since the intake's check
 * (rebinding) gets past it. TLS is layered over this socket afterwards, so https is checked the same way, before
 * any handshake.
 */
final class GuardedSocket extends Socket {

    private final AddressGuard guard;

    GuardedSocket(AddressGuard guard) {
        this.guard = guard;
    }

    GuardedSocket(AddressGuard guard, Proxy proxy) {
        super(proxy);
        this.guard = guard;
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        if (endpoint instanceof InetSocketAddress address) {
            guard.check(address, address.getHostString());
        }
        super.connect(endpoint, timeout);
    }
}
