package gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;



/**
 * A receiver that keeps each request exactly as it came off the socket: its request line byte for byte (no HTTP
 * library in between to decode or normalise the target), its headers and its body. Every request is answered 200.
 * For tests of what reaches a receiver's wire (the path of a callback URL, say), where a library's parsing would hide
 * the very thing under test.
 */
public final class RawRequestReceiver implements AutoCloseable {

    /** One request as received: its request line (e.g. {@code POST /cb/x HTTP/1.1}), headers and body. */
    public record Request(String requestLine, List<String> headers, String body) {

        /** The request target: what the request line has between the method and the HTTP version. */
        public String target() {
            String[] parts = requestLine.split(" ");
            return parts.length == 3 ? parts[1] : requestLine;
        }
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "raw-receiver");
        t.setDaemon(true);
        return t;
    });
    private final List<Request> requests = new ArrayList<>();

    private RawRequestReceiver(ServerSocket server) {
        this.server = server;
        threads.submit(this::acceptLoop);
    }

    public static RawRequestReceiver start() throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), GatewayTestApp.freePort()));
        return new RawRequestReceiver(server);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>} (no trailing slash). */
    public String base() {
        return "http://127.0.0.1:" + port();
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Waits until a request whose headers or body hold {@code marker} has arrived, and returns it. */
    public Request await(String marker, Duration timeout) {
        org.awaitility.Awaitility.await().atMost(timeout).until(() -> find(marker) != null);
        return find(marker);
    }

    private synchronized Request find(String marker) {
        return requests.stream().filter(r -> r.body().contains(marker) || r.headers().stream().anyMatch(h -> h.contains(marker)))
                .findFirst().orElse(null);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                threads.submit(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                String requestLine = line(in);
                if (requestLine == null || requestLine.isEmpty()) {
                    return;
                }
                List<String> headers = new ArrayList<>();
                int length = 0;
                for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                    headers.add(header);
                    if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(header.substring(header.indexOf(':') + 1).strip());
                    }
                }
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                synchronized (this) {
                    requests.add(new Request(requestLine, List.copyOf(headers), body));
                }
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException | RuntimeException gone) {
            // the client hung up
        }
    }

    /** One CRLF-terminated line, as bytes taken one to one (no decoding); null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = bytes.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            bytes.write(b);
        }
        return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
