package gateway.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load side of {@link OpenStreamsBenchmarkTest}: opens {@code count} event streams
 * ({@code GET /webhook/{tracking_id}/events}) at once from one thread (a NIO selector, HTTP/1.1, chunked bodies
 * decoded, SSE lines parsed) and keeps them until the server ends each. It uses only the JDK and runs in a JVM of its
 * own, so the gateway's JVM holds nothing of the clients: its heap, threads and file descriptors are the server's.
 *
 * <p>Arguments: {@code host port path key count timeoutSeconds}. Writes to stdout, one line each: every 500 ms
 * {@code PROGRESS <open> <failed> <connected> <ms since start>}; {@code OPENED <opened> <failed> <ms to open all>} once every stream is open (its 200 and the head comment
 * arrived) or failed; then, when every stream has ended or failed (or the timeout passed), one line per stream
 * {@code S <index> <status> <open ms> <opened, epoch µs> <types,comma-separated> <final event's at> <final event received, epoch µs>
 * <end received, epoch µs> <ended> <heartbeats> <error>} and {@code DONE}.
 */
public final class SseStreamsClient {

    private static final Pattern AT = Pattern.compile("\"timestamp\":\"([^\"]+)\"");

    /** One stream: its socket, how far its response got, and what it received. */
    static final class Stream {
        final int index;
        final long connectStartNs;
        SocketChannel channel;
        long openNs = -1;
        long openMicros = -1;
        boolean connected;
        int status = -1;
        final StringBuilder head = new StringBuilder();
        boolean headersDone;
        boolean chunked;
        // chunked body: -1 reading a size line, > 0 bytes of data left, 0 after the data its CRLF, -2 trailers
        long chunkLeft = -1;
        int crlfLeft;
        final StringBuilder sizeLine = new StringBuilder();
        final StringBuilder line = new StringBuilder();
        String type;
        String data;
        final List<String> types = new ArrayList<>(4);
        String finalAt = "-";
        long finalMicros = -1;
        long endMicros = -1;
        boolean ended;
        int comments;
        String error;

        Stream(int index) {
            this.index = index;
            this.connectStartNs = System.nanoTime();
        }

        boolean done() {
            return ended || error != null;
        }
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String path = args[2];
        String apiKey = args[3];
        int count = Integer.parseInt(args[4]);
        long timeoutNs = Long.parseLong(args[5]) * 1_000_000_000L;
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAccept: text/event-stream\r\n"
                + "Authorization: Bearer " + apiKey + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        PrintStream out = System.out;
        Selector selector = Selector.open();
        List<Stream> streams = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            Stream s = new Stream(i);
            streams.add(s);
            try {
                s.channel = SocketChannel.open();
                s.channel.configureBlocking(false);
                if (s.channel.connect(new InetSocketAddress(host, port))) {
                    s.connected = true;
                    s.channel.write(ByteBuffer.wrap(request));
                    s.channel.register(selector, SelectionKey.OP_READ, s);
                } else {
                    s.channel.register(selector, SelectionKey.OP_CONNECT, s);
                }
            } catch (IOException e) {
                fail(s, "open: " + e.getMessage());
            }
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        byte[] bytes = new byte[buffer.capacity()];
        boolean openedReported = false;
        long lastProgress = 0;
        while (System.nanoTime() - start < timeoutNs) {
            if (System.nanoTime() - lastProgress > 500_000_000L) {
                lastProgress = System.nanoTime();
                out.printf("PROGRESS %d %d %d %.1f%n", streams.stream().filter(s -> s.openNs >= 0).count(),
                        streams.stream().filter(s -> s.error != null && s.openNs < 0).count(),
                        streams.stream().filter(s -> s.connected).count(), (lastProgress - start) / 1e6);
                out.flush();
            }
            selector.select(200);
            for (SelectionKey key : selector.selectedKeys()) {
                Stream s = (Stream) key.attachment();
                try {
                    if (key.isConnectable()) {
                        s.channel.finishConnect();
                        s.connected = true;
                        ByteBuffer req = ByteBuffer.wrap(request);
                        while (req.hasRemaining()) {
                            s.channel.write(req);
                        }
                        key.interestOps(SelectionKey.OP_READ);
                    } else if (key.isReadable()) {
                        buffer.clear();
                        int n = s.channel.read(buffer);
                        if (n < 0) {
                            fail(s, "closed by the server before the end");
                        } else {
                            buffer.flip();
                            buffer.get(bytes, 0, n);
                            feed(s, bytes, n);
                            if (s.done()) {
                                key.cancel();
                                s.channel.close();
                            }
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    key.cancel();
                    fail(s, e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
            selector.selectedKeys().clear();
            if (!openedReported && streams.stream().allMatch(s -> s.openNs >= 0 || s.error != null)) {
                openedReported = true;
                long last = streams.stream().mapToLong(s -> s.openNs).max().orElse(start);
                out.printf("OPENED %d %d %.1f%n", streams.stream().filter(s -> s.openNs >= 0).count(),
                        streams.stream().filter(s -> s.openNs < 0).count(), (last - start) / 1e6);
                out.flush();
            }
            if (streams.stream().allMatch(Stream::done)) {
                break;
            }
        }
        if (!openedReported) {
            out.printf("OPENED %d %d -1%n", streams.stream().filter(s -> s.openNs >= 0).count(),
                    streams.stream().filter(s -> s.openNs < 0).count());
        }
        for (Stream s : streams) {
            if (!s.done()) {
                s.error = "not ended within the timeout";
            }
            out.printf("S %d %d %.2f %d %s %s %d %d %b %d %s%n", s.index, s.status,
                    s.openNs < 0 ? -1.0 : (s.openNs - s.connectStartNs) / 1e6, s.openMicros,
                    s.types.isEmpty() ? "-" : String.join(",", s.types), s.finalAt, s.finalMicros, s.endMicros, s.ended,
                    s.comments, s.error == null ? "-" : s.error.replace('\n', ' '));
        }
        out.println("DONE");
        out.flush();
        for (Stream s : streams) {
            if (s.channel != null) {
                s.channel.close();
            }
        }
    }

    private static void fail(Stream s, String error) {
        if (s.error == null && !s.ended) {
            s.error = error;
        }
        try {
            if (s.channel != null) {
                s.channel.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Bytes of the response: headers, then the chunked body, decoded into SSE lines. */
    static void feed(Stream s, byte[] bytes, int n) {
        int i = 0;
        while (i < n && !s.headersDone) {
            s.head.append((char) (bytes[i++] & 0xff));
            int len = s.head.length();
            if (len >= 4 && s.head.charAt(len - 1) == '\n' && s.head.charAt(len - 2) == '\r'
                    && s.head.charAt(len - 3) == '\n' && s.head.charAt(len - 4) == '\r') {
                s.headersDone = true;
                String head = s.head.toString();
                s.status = Integer.parseInt(head.substring(9, 12));
                s.chunked = head.toLowerCase().contains("transfer-encoding: chunked");
                s.head.setLength(0);
                if (s.status != 200 || !s.chunked) {
                    s.error = "status " + s.status + (s.chunked ? "" : " (not chunked)");
                    return;
                }
            }
        }
        while (i < n && !s.done()) {
            if (s.chunkLeft > 0) {
                int take = (int) Math.min(s.chunkLeft, n - i);
                for (int j = 0; j < take; j++) {
                    sse(s, (char) (bytes[i + j] & 0xff));
                }
                i += take;
                s.chunkLeft -= take;
                if (s.chunkLeft == 0) {
                    s.crlfLeft = 2;
                }
            } else if (s.chunkLeft == 0 && s.crlfLeft > 0) {
                i++;
                if (--s.crlfLeft == 0) {
                    s.chunkLeft = -1;
                }
            } else {
                // a size line (-1) or the trailers after the last chunk (-2): up to CRLF
                char c = (char) (bytes[i++] & 0xff);
                if (c != '\n') {
                    if (c != '\r') {
                        s.sizeLine.append(c);
                    }
                    continue;
                }
                String text = s.sizeLine.toString();
                s.sizeLine.setLength(0);
                if (s.chunkLeft == -2) {
                    if (text.isEmpty()) {
                        s.ended = true;
                        s.endMicros = micros();
                    }
                    continue;
                }
                int semicolon = text.indexOf(';');
                long size = Long.parseLong((semicolon < 0 ? text : text.substring(0, semicolon)).strip(), 16);
                s.chunkLeft = size == 0 ? -2 : size;
            }
        }
    }

    /** One character of the event stream (ASCII is all this reads: types, comments, the final event's "at"). */
    private static void sse(Stream s, char c) {
        if (c != '\n') {
            s.line.append(c);
            return;
        }
        String line = s.line.toString();
        s.line.setLength(0);
        if (line.isEmpty()) {
            if (s.type != null) {
                s.types.add(s.type);
                if (s.type.equals("query.answered") || s.type.equals("query.failed") || s.type.equals("query.cancelled")) {
                    s.finalMicros = micros();
                    Matcher at = AT.matcher(s.data == null ? "" : s.data);
                    if (at.find()) {
                        s.finalAt = at.group(1);
                    }
                }
            }
            s.type = null;
            s.data = null;
        } else if (line.startsWith(":")) {
            if (s.openNs < 0) {
                s.openNs = System.nanoTime();
                s.openMicros = micros();
            }
            s.comments++;
        } else if (line.startsWith("event: ")) {
            s.type = line.substring(7);
        } else if (line.startsWith("data: ")) {
            s.data = line.substring(6);
        }
    }

    private static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }
}
