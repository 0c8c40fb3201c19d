package gateway.local;

import java.io.IOException;
import java.net.URI;

import gateway.http.FreePort;
import org.apache.camel.support.service.ServiceSupport;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.rest.sqs.TheSQSRestServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ElasticMQ on loopback: the SQS of the embedded default (dev profile with no {@code SQS_ENDPOINT})
 * and of the tests. It speaks the SDK's JSON protocol and honours redrive policies.
 */
public class EmbeddedSqsServer extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSqsServer.class);

    private final int requestedPort;
    private SQSRestServer server;
    private int port;

    /** @param port the port to bind on 127.0.0.1, 0 for any free one */
    public EmbeddedSqsServer(int port) {
        this.requestedPort = port;
    }

    @Override
    protected void doStart() throws IOException {
        // ElasticMQ reports a port in use with two ERROR stack traces of its own before it fails: check first
        FreePort.require("127.0.0.1", requestedPort);
        TheSQSRestServerBuilder builder = SQSRestServerBuilder.withInterface("127.0.0.1");
        builder = requestedPort == 0 ? builder.withDynamicPort() : builder.withPort(requestedPort);
        server = builder.start();
        port = server.waitUntilStarted().localAddress().getPort();
        LOG.info("Embedded SQS (ElasticMQ) listening on {}", endpoint());
    }

    @Override
    protected void doStop() {
        if (server != null) {
            server.stopAndWait();
            server = null;
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }
}
