package gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import java.net.URI;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The HTTP plumbing of the small loopback S3 stand-ins that tests use where S3Proxy falls short (it
 * ignores conditional writes): decoding the SDK's aws-chunked uploads and writing replies.
 */
public final class S3StandInHttp {

    private S3StandInHttp() {
    }

    /** An S3 client for a stand-in on loopback: path style, dummy credentials, one attempt per call. */
    public static S3Client client(HttpServer server) {
        return S3Client.builder().region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort())).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1)))
                .build();
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
