package gateway.http;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks that a server can listen on a port before it is started. Camel's Vert.x HTTP server never
 * returns from its start when its port is taken (the bind error is left to Vert.x, which logs it, and
 * the start waits for ever), and ElasticMQ logs two ERROR stack traces of its own before failing; a
 * check first turns both into a {@link BindException} that names the address.
 */
public final class FreePort {

    private FreePort() {
    }

    /** Throws a {@link BindException} naming {@code host:port} when nothing can listen there now. */
    public static void require(String host, int port) throws BindException {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            BindException bind = new BindException(host + ":" + port + ": " + (e.getMessage() == null ? "cannot listen" : e.getMessage()));
            bind.initCause(e);
            throw bind;
        }
    }
}
