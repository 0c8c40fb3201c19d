package gateway.bench;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import gateway.json.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;

/**
 * A counting HTTP reverse proxy on loopback, between the app and one AWS stand-in (ElasticMQ or S3Proxy): every request
 * is forwarded unchanged (method, path and query, headers, Host included, so SigV4 signatures still verify at S3Proxy,
 * body) and its answer returned unchanged; each is noted with its operation, read the way AWS reads it (SQS: the
 * {@code X-Amz-Target} header of the JSON protocol, or the query protocol's {@code Action}; S3: the method, whether a
 * key is named, the query's sub-resource), a detail (the queue; the LIST's prefix or the key's first segment), its
 * start and end. No timeout of its own: a 20 s long poll takes its 20 s.
 */
final class CountingProxy implements AutoCloseable {

    enum Service { SQS, S3 }

    /** One forwarded call: the service, its operation and detail, when it arrived and ended (nanoTime), its status. */
    record Call(Service service, String operation, String detail, long startNanos, long endNanos, int status) {
        double millis() {
            return (endNanos - startNanos) / 1e6;
        }
    }

    /** Headers that describe one connection, not the request: never forwarded (RFC 9110 7.6.1). */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "proxy-authorization", "proxy-authenticate");

    private final Service service;
    private final Vertx vertx;
    private final HttpServer server;
    private final HttpClient client;
    private final SocketAddress target;
    private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Call> arrivals = new ConcurrentLinkedQueue<>();

    private CountingProxy(Service service, Vertx vertx, URI target) throws Exception {
        this.service = service;
        this.vertx = vertx;
        this.target = SocketAddress.inetSocketAddress(target.getPort(), target.getHost());
        // no idle or read timeout (0), a pool far above the app's concurrent calls: a long poll never waits for a connection;
        // a pooled connection unused for 5 s is closed by the proxy, before the stand-in's own idle timeout (S3Proxy's
        // Jetty: 30 s, as often as the endpoint check LISTs) could close it under a request about to be sent on it
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(5).setIdleTimeout(0)
                .setConnectTimeout(5000).setDecompressionSupported(false), new PoolOptions().setHttp1MaxSize(256));
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                        .setHandle100ContinueAutomatically(true).setIdleTimeout(0).setCompressionSupported(false))
                .requestHandler(this::forward);
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static CountingProxy start(Service service, Vertx vertx, URI target) throws Exception {
        return new CountingProxy(service, vertx, target);
    }

    /** Where the app is to send its calls. */
    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    /** Every call answered so far, with its duration and status. */
    List<Call> calls() {
        return new ArrayList<>(calls);
    }

    /** Every call so far, noted when it arrived (end and status unknown: -1), answered or not. */
    List<Call> arrivals() {
        return new ArrayList<>(arrivals);
    }

    private void forward(HttpServerRequest request) {
        long start = System.nanoTime();
        request.body().onSuccess(body -> {
            String[] operation = service == Service.SQS ? sqsOperation(request, body) : s3Operation(request);
            arrivals.add(new Call(service, operation[0], operation[1], start, -1, -1));
            // the Host the app signed (SigV4 signs it): the connection goes to the stand-in, the header stays as it was
            HostAndPort authority = request.authority();
            MultiMap headers = MultiMap.caseInsensitiveMultiMap();
            request.headers().forEach((name, value) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (!HOP_BY_HOP.contains(lower) && !lower.equals("host") && !lower.equals("content-length")) {
                    headers.add(name, value);
                }
            });
            RequestOptions options = new RequestOptions().setServer(target).setMethod(request.method())
                    .setHost(authority.host()).setPort(authority.port() < 0 ? 80 : authority.port())
                    .setURI(request.uri()).setHeaders(headers);
            client.request(options)
                    .compose(out -> request.headers().contains("content-length") || body.length() > 0 ? out.send(body) : out.send())
                    .compose(response -> response.body().map(answer -> {
                        var reply = request.response().setStatusCode(response.statusCode())
                                .setStatusMessage(response.statusMessage());
                        response.headers().forEach((name, value) -> {
                            String lower = name.toLowerCase(Locale.ROOT);
                            if (!HOP_BY_HOP.contains(lower) && (!lower.equals("content-length") || request.method() == HttpMethod.HEAD)) {
                                reply.headers().add(name, value);
                            }
                        });
                        reply.end(answer);
                        return response.statusCode();
                    }))
                    .onSuccess(status -> calls.add(new Call(service, operation[0], operation[1], start, System.nanoTime(), status)))
                    .onFailure(failure -> {
                        System.err.printf("CountingProxy (%s): %s %s not forwarded: %s%n", service, request.method(), request.uri(), failure);
                        calls.add(new Call(service, operation[0], operation[1], start, System.nanoTime(), 0));
                        if (!request.response().ended()) {
                            request.response().setStatusCode(502).end();
                        }
                    });
        });
    }

    /** SQS: the JSON protocol's {@code X-Amz-Target: AmazonSQS.ReceiveMessage}, or the query protocol's Action; the queue. */
    static String[] sqsOperation(HttpServerRequest request, Buffer body) {
        String target = request.getHeader("X-Amz-Target");
        if (target != null) {
            String operation = target.substring(target.indexOf('.') + 1);
            JsonNode json = Json.parseOrNull(body.toString(StandardCharsets.UTF_8));
            String queue = "";
            if (json != null && json.hasNonNull("QueueUrl")) {
                String url = json.get("QueueUrl").asText();
                queue = url.substring(url.lastIndexOf('/') + 1);
            } else if (json != null && json.hasNonNull("QueueName")) {
                queue = json.get("QueueName").asText();
            }
            return new String[] {operation, queue};
        }
        String form = body.toString(StandardCharsets.UTF_8) + "&" + (request.query() == null ? "" : request.query());
        String action = "?";
        String queue = "";
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (name.equals("Action")) {
                action = value;
            } else if (name.equals("QueueUrl")) {
                queue = value.substring(value.lastIndexOf('/') + 1);
            } else if (name.equals("QueueName")) {
                queue = value;
            }
        }
        return new String[] {action, queue};
    }

    /** S3 (path style: /bucket/key): the operation from the method, a key or not, and the query; a prefix or key segment. */
    static String[] s3Operation(HttpServerRequest request) {
        String path = request.path();
        String afterBucket = path.length() > 1 && path.indexOf('/', 1) > 0 ? path.substring(path.indexOf('/', 1) + 1) : "";
        boolean key = !afterBucket.isEmpty();
        String keyHead = key ? (afterBucket.contains("/") ? afterBucket.substring(0, afterBucket.indexOf('/') + 1) : afterBucket) : "";
        MultiMap query = request.params();
        HttpMethod method = request.method();
        if (!key) {
            if (method == HttpMethod.GET && query.contains("list-type")) {
                return new String[] {"ListObjectsV2", "prefix=" + query.get("prefix")};
            }
            if (method == HttpMethod.GET && query.contains("versions")) {
                return new String[] {"ListObjectVersions", "prefix=" + query.get("prefix")};
            }
            if (method == HttpMethod.GET && query.contains("uploads")) {
                return new String[] {"ListMultipartUploads", ""};
            }
            if (method == HttpMethod.GET && query.isEmpty()) {
                return new String[] {path.length() > 1 ? "ListObjects" : "ListBuckets", ""};
            }
            if (method == HttpMethod.GET) {
                return new String[] {"ListObjects", "prefix=" + query.get("prefix")};
            }
            if (method == HttpMethod.POST && query.contains("delete")) {
                return new String[] {"DeleteObjects", ""};
            }
            return new String[] {switch (method.name()) {
                case "HEAD" -> "HeadBucket";
                case "PUT" -> "CreateBucket";
                case "DELETE" -> "DeleteBucket";
                default -> method.name() + " bucket";
            }, ""};
        }
        return new String[] {switch (method.name()) {
            case "GET" -> "GetObject";
            case "HEAD" -> "HeadObject";
            case "PUT" -> request.getHeader("x-amz-copy-source") != null ? "CopyObject" : "PutObject";
            case "DELETE" -> "DeleteObject";
            case "POST" -> query.contains("uploads") ? "CreateMultipartUpload" : "CompleteMultipartUpload";
            default -> method.name() + " object";
        }, keyHead};
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
