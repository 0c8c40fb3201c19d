package gateway;

import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one line a failed start ends with: the problem and the setting to change, not a stack trace. A port
 * already in use is named by the setting that chose it; a dependency the start could not reach (SQS, whose queues
 * it reads at start) by the endpoint setting that points at it ({@code SQS_ENDPOINT http://...: connection refused}),
 * or, where that setting is empty, by AWS's host of the service; anything else by the innermost message, which the
 * gateway's own checks word as "SETTING ...: what is wrong" (for example a short key in
 * {@code GATEWAY_API_KEYS}, or the prod profile's missing settings).
 */
final class StartFailure {

    /** The port settings, by environment variable, with the property each one sets. */
    static final Map<String, String> PORT_SETTINGS = portSettings();

    /** The endpoints of the gateway's dependencies, by environment variable, with the property each one sets. */
    static final Map<String, String> ENDPOINT_SETTINGS = endpointSettings();

    /** AWS's own host of each of those services ({@code <service>.<region>.amazonaws.com}), used when its setting is empty. */
    private static final Map<String, String> AWS_SERVICES = Map.of("sqs", "SQS_ENDPOINT", "s3", "S3_ENDPOINT",
            "bedrock-agent-runtime", "BEDROCK_ENDPOINT");

    private static final Pattern PORT = Pattern.compile(":(\\d{1,5})\\b");
    /**
     * "Connect to host:port [...] failed" (Apache HttpClient 4), "Connect to http://host:port failed" (5), "Connection
     * refused: host/address:port" (Netty).
     */
    private static final Pattern CONNECT_ADDRESS = Pattern.compile("(?:Connect to |refused: |timed out: )"
            + "(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:([A-Za-z0-9.-]*)/)?(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+):(\\d{1,5})");

    private StartFailure() {
    }

    /**
     * The line for {@code failure}; {@code property} resolves a property of the application (empty when it
     * cannot, e.g. before the context exists), to tell which setting chose a port that is in use.
     */
    static String describe(Throwable failure, Function<String, Optional<String>> property) {
        Throwable bind = find(failure, BindException.class);
        if (bind != null || mentionsAddressInUse(failure)) {
            String text = bind != null ? bind.getMessage() : innermost(failure).getMessage();
            Integer port = port(failure);
            String setting = port == null ? null : settingOf(port, property);
            if (setting != null) {
                return "Start failed: port " + port + " (" + setting + ") is already in use: stop what listens there or set "
                        + setting + " to a free port";
            }
            return "Start failed: an address is already in use (" + text + "): set " + String.join(", ", PORT_SETTINGS.keySet())
                    + " to free ports";
        }
        String unreachable = unreachable(failure, property);
        if (unreachable != null) {
            return "Start failed: " + unreachable;
        }
        Throwable root = innermost(failure);
        String message = root.getMessage() == null || root.getMessage().isBlank()
                ? root.getClass().getSimpleName() : root.getMessage().strip();
        return "Start failed: " + message.replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * "SETTING value: what happened" when the failure is a connection that could not be made (refused, timed out, no
     * route, unknown host); null for any other failure.
     */
    private static String unreachable(Throwable failure, Function<String, Optional<String>> property) {
        String what = null;
        String host = null;
        Integer port = null;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (what == null) {
                what = connectFailure(t);
                if (t instanceof UnknownHostException && !message.isBlank()) {
                    host = message.replaceFirst(":.*", "").strip();
                }
            }
            Matcher address = CONNECT_ADDRESS.matcher(message);
            if (host == null && address.find()) {
                // Netty writes "name/address:port": the name is what a setting holds
                host = address.group(1) == null || address.group(1).isEmpty() ? address.group(2) : address.group(1);
                port = Integer.valueOf(address.group(3));
            }
        }
        if (what == null) {
            return null;
        }
        if (host == null) {
            return "a dependency is unreachable (" + what + "): check " + String.join(", ", ENDPOINT_SETTINGS.keySet());
        }
        for (Map.Entry<String, String> setting : ENDPOINT_SETTINGS.entrySet()) {
            Optional<String> value = property.apply(setting.getValue()).map(String::strip).filter(v -> !v.isEmpty());
            if (value.isPresent() && pointsAt(value.get(), host, port)) {
                return setting.getKey() + " " + value.get() + ": " + what;
            }
        }
        String target = port == null ? host : host + ":" + port;
        String service = host.toLowerCase(Locale.ROOT).replaceFirst("\\..*", "");
        if (host.toLowerCase(Locale.ROOT).matches(".*\\.amazonaws\\.com(\\.cn)?") && AWS_SERVICES.containsKey(service)) {
            String region = property.apply("gateway.aws.region").map(String::strip).orElse("");
            return AWS_SERVICES.get(service) + " not set, so AWS " + (region.isEmpty() ? "" : "in AWS_REGION " + region + " ")
                    + "(" + target + "): " + what;
        }
        return target + ": " + what + " (none of " + String.join(", ", ENDPOINT_SETTINGS.keySet()) + " points there)";
    }

    /** What kind of connection failure {@code t} is, or null if it is none. */
    private static String connectFailure(Throwable t) {
        String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
        if (t instanceof UnknownHostException) {
            return "unknown host";
        }
        if (t instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (t instanceof ConnectException) {
            return message.contains("refused") ? "connection refused" : message.contains("timed out") ? "connect timed out"
                    : "cannot connect (" + t.getMessage() + ")";
        }
        // java.net's, Apache HttpClient's and Netty's connect time-outs
        if ((t instanceof SocketTimeoutException && message.contains("connect"))
                || t.getClass().getSimpleName().endsWith("ConnectTimeoutException")) {
            return "connect timed out";
        }
        return null;
    }

    /** Whether the URL {@code endpoint} names this host (and port, when known; 443 or 80 by its scheme if it has none). */
    private static boolean pointsAt(String endpoint, String host, Integer port) {
        try {
            URI uri = URI.create(endpoint);
            if (uri.getHost() == null || !uri.getHost().replaceAll("^\\[|]$", "")
                    .equalsIgnoreCase(host.replaceAll("^\\[|]$", ""))) {
                return false;
            }
            int endpointPort = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            return port == null || port == endpointPort;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String settingOf(int port, Function<String, Optional<String>> property) {
        for (Map.Entry<String, String> setting : PORT_SETTINGS.entrySet()) {
            Optional<String> value = property.apply(setting.getValue()).map(String::strip);
            if (value.isPresent() && value.get().equals(Integer.toString(port))) {
                return setting.getKey();
            }
        }
        return null;
    }

    private static Integer port(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                Matcher m = PORT.matcher(t.getMessage());
                Integer last = null;
                while (m.find()) {
                    last = Integer.valueOf(m.group(1));
                }
                if (last != null) {
                    return last;
                }
            }
        }
        return null;
    }

    private static boolean mentionsAddressInUse(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static Throwable innermost(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static Map<String, String> portSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("HTTP_PORT", "camel.server.port");
        settings.put("MANAGEMENT_PORT", "camel.management.port");
        // the local profile's stand-ins (gateway.local.LocalStackConfiguration)
        settings.put("EMBEDDED_SQS_PORT", "gateway.local.sqs-port");
        settings.put("EMBEDDED_S3_PORT", "gateway.local.s3-port");
        settings.put("AGENT_EMULATOR_PORT", "gateway.local.agent-port");
        settings.put("LOCAL_RECEIVER_PORT", "gateway.local.receiver-port");
        return Collections.unmodifiableMap(settings);
    }

    private static Map<String, String> endpointSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("SQS_ENDPOINT", "gateway.sqs.endpoint");
        settings.put("S3_ENDPOINT", "gateway.s3.endpoint");
        settings.put("BEDROCK_ENDPOINT", "gateway.agent.endpoint");
        settings.put("WEBHOOK_URL", "gateway.webhook.url");
        return Collections.unmodifiableMap(settings);
    }
}
