package gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The HTTP plumbing of the small loopback S3 stand-ins that tests use where S3Proxy falls short (it
 * ignores conditional writes): decoding the SDK's aws-chunked uploads and writing replies.
 */
public final class S3StandInHttp {

    private S3StandInHttp() {
    }

    /** A stand-in running on loopback, and a client for it; {@link #close()} closes both. */
    public record Running(HttpServer server, S3Client client) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdown();
        }
    }

    /**
     * Starts a stand-in answering every request with {@code handler}, on a free loopback port, each request on
     * a thread of its own (a handler may call the stand-in again, e.g. as another replica writing in between),
     * with a client for it: {@link LocalAws#s3Builder}, one attempt per call.
     */
    public static Running start(HttpHandler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", handler);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        S3Client client = LocalAws.s3Builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1)))
                .build();
        return new Running(server, client);
    }

    /** aws-chunked: {@code <hex size>[;chunk-signature=...]\r\n<data>\r\n}... ending with a zero-size chunk. */
    public static byte[] decodeAwsChunked(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < raw.length) {
            int lineEnd = at;
            while (raw[lineEnd] != '\r') {
                lineEnd++;
            }
            String header = new String(raw, at, lineEnd - at, StandardCharsets.US_ASCII);
            int size = Integer.parseInt(header.split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(raw, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    /** Replies with a body (XML when it starts with {@code <}, else JSON) and an optional ETag. */
    public static void reply(HttpExchange exchange, int status, String body, String etag) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (etag != null) {
            exchange.getResponseHeaders().add("ETag", etag);
        }
        exchange.getResponseHeaders().add("Content-Type", body.startsWith("<") ? "application/xml" : "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }
}
