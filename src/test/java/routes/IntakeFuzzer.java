package routes;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates malformed or hostile {@code POST /webhook} requests from a seed. Every case breaks at least one
 * rule for certain (never a valid request by accident), so each must be refused with a 4xx.
 */
final class IntakeFuzzer {

    private static final String[] REQUIRED = {"query", "timestamp", "source_system", "source_process"};
    private static final String[] ODD_TYPES = {"text/plain", "application/xml", "text/html", "application/x-yaml",
            "application/octet-stream", "application/json; charset=utf-16", "application/json; charset=latin1",
            "application/jsonx", "json", "image/png", "text/json+xml", "application/vnd.api+xml"};
    private static final String[] WRONG_VALUES = {"42", "0", "-1.5e300", "true", "false", "null", "[]", "[\"q\"]", "{}",
            "{\"text\":\"q\"}", "\"\"", "1e999"};
    /** Methods /webhook refuses (GET lists the caller's questions: QuestionListRouteTest). */
    private static final String[] METHODS = {"PUT", "DELETE", "PATCH"};

    /** One generated request. */
    record Case(String kind, String method, String contentType, byte[] body, Map<String, String> headers) {

        HttpRequest request(URI url) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
            if (contentType != null) {
                builder.header("Content-Type", contentType);
            }
            headers.forEach(builder::header); // throws IllegalArgumentException for what the client will not send
            return builder.build();
        }

        String describe() {
            String text = new String(body, 0, Math.min(body.length, 160), StandardCharsets.UTF_8);
            return kind + " " + method + " " + contentType + " " + headers.keySet() + " body[" + body.length + "]=" + text;
        }
    }

    private final Random random;
    private final String valid;
    private final String key;

    IntakeFuzzer(long seed, String validBody, String apiKey) {
        this.random = new Random(seed);
        this.valid = validBody;
        this.key = apiKey;
    }

    Case next() {
        int kind = random.nextInt(15);
        switch (kind) {
            case 0: { // truncated JSON: a proper prefix of an object never closes it
                int cut = random.nextInt(valid.length() - 1);
                return json("truncated", valid.substring(0, cut));
            }
            case 1: { // nesting beyond MAX_JSON_DEPTH (and beyond the parser's own bound)
                int depth = 21 + random.nextInt(180);
                boolean arrays = random.nextBoolean();
                String open = arrays ? "[" : "{\"a\":";
                String close = arrays ? "]" : "}";
                return json("deep", withExtra("\"ctx\":" + open.repeat(depth) + "1" + close.repeat(depth)));
            }
            case 2: { // huge strings: a query over MAX_QUERY_CHARS, or a body over MAX_BODY_BYTES
                boolean body = random.nextBoolean();
                String filler = randomText(body ? 262_200 + random.nextInt(100_000) : 20_001 + random.nextInt(40_000));
                return body ? json("huge body", withExtra("\"blob\":\"" + filler + "\"")) : json("huge query", withQuery(filler));
            }
            case 3: { // a raw control character inside a string: not JSON
                char control = (char) random.nextInt(0x20);
                return json("control char", withQuery("abc" + control + "def"));
            }
            case 4: { // a required field of the wrong type (or a falsy value, which counts as missing)
                String field = REQUIRED[random.nextInt(REQUIRED.length)];
                String value = WRONG_VALUES[random.nextInt(WRONG_VALUES.length)];
                return json("wrong type", valid.replaceFirst("\"" + field + "\":\"[^\"]*\"", "\"" + field + "\":" + value));
            }
            case 5: { // invalid UTF-8 inside the query
                byte[][] bad = {{(byte) 0xFF}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xE2, (byte) 0x82},
                        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
                byte[] insert = bad[random.nextInt(bad.length)];
                String[] parts = valid.split("IXIS", 2);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.writeBytes(parts[0].getBytes(StandardCharsets.UTF_8));
                out.writeBytes(insert);
                out.writeBytes(parts[1].getBytes(StandardCharsets.UTF_8));
                return new Case("invalid utf-8", "POST", "application/json", out.toByteArray(), auth());
            }
            case 6: { // odd content types with a valid body
                return new Case("content type", "POST", ODD_TYPES[random.nextInt(ODD_TYPES.length)],
                        valid.getBytes(StandardCharsets.UTF_8), auth());
            }
            case 7: { // header injection attempts: CR/LF (the client refuses to send them) or a hostile Idempotency-Key
                Map<String, String> headers = auth();
                String[] values = {"k\r\nX-Injected: 1", "k\nX-API-Key: " + key, "k\rx", "two words", "caf\u00e9", "k".repeat(256),
                        "\u00ff\u00fe", "tab\there"};
                headers.put("Idempotency-Key", values[random.nextInt(values.length)]);
                return new Case("header injection", "POST", "application/json", valid.getBytes(StandardCharsets.UTF_8), headers);
            }
            case 8: { // wrong or malformed credentials with a valid body
                Map<String, String> headers = new LinkedHashMap<>();
                switch (random.nextInt(5)) {
                    case 0 -> headers.put("Authorization", "Bearer " + randomText(1 + random.nextInt(80)).strip() + "x");
                    case 1 -> headers.put("X-API-Key", key.substring(0, 1 + random.nextInt(key.length() - 1)));
                    case 2 -> headers.put("Authorization", key);
                    case 3 -> headers.put("X-Api-Token", key);
                    default -> headers.put("webhook-signature", "v1," + randomText(20).strip() + "x");
                }
                return new Case("credentials", "POST", "application/json", valid.getBytes(StandardCharsets.UTF_8), headers);
            }
            case 9: { // JSON that is not an object
                String[] values = {"[]", "[" + valid + "]", "42", "\"text\"", "null", "true", "", " ", "\uFEFF" + valid};
                return json("not an object", values[random.nextInt(values.length)]);
            }
            case 10: { // required fields missing
                String body = valid;
                int drop = 1 + random.nextInt(REQUIRED.length);
                for (int i = 0; i < drop; i++) {
                    String field = REQUIRED[random.nextInt(REQUIRED.length)];
                    body = body.replaceFirst("\"" + field + "\"", "\"x_" + field + "\"");
                }
                if (body.equals(valid)) {
                    body = body.replaceFirst("\"query\"", "\"x_query\"");
                }
                return json("missing fields", body);
            }
            case 11: { // timestamps that are not ISO-8601
                String bad = "x" + randomText(1 + random.nextInt(30)).replace("\"", "").replace("\\", "");
                return json("bad timestamp", valid.replace("2025-08-13T06:30:00Z", bad));
            }
            case 12: { // too many fields (MAX_JSON_FIELDS)
                StringBuilder extra = new StringBuilder();
                int count = 201 + random.nextInt(300);
                for (int i = 0; i < count; i++) {
                    extra.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":").append(i);
                }
                return json("many fields", withExtra(extra.toString()));
            }
            case 13: { // other methods
                return new Case("method", METHODS[random.nextInt(METHODS.length)], "application/json",
                        valid.getBytes(StandardCharsets.UTF_8), auth());
            }
            default: { // random bytes
                byte[] junk = new byte[1 + random.nextInt(2000)];
                random.nextBytes(junk);
                junk[0] = (byte) '{'; // starts like an object; random bytes never complete a valid request
                junk[junk.length - 1] = (byte) 0xFF;
                return new Case("random bytes", "POST", "application/json", junk, auth());
            }
        }
    }

    private Case json(String kind, String body) {
        return new Case(kind, "POST", "application/json", body.getBytes(StandardCharsets.UTF_8), auth());
    }

    private Map<String, String> auth() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-API-Key", key);
        return headers;
    }

    private String withExtra(String members) {
        return valid.substring(0, valid.length() - 1) + "," + members + "}";
    }

    private String withQuery(String query) {
        return valid.replace("What is the deal status for IXIS?", query);
    }

    /** Printable text with JSON-safe characters (no quote or backslash), some of it non-ASCII. */
    private String randomText(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int pick = random.nextInt(100);
            char c = pick < 90 ? (char) ('a' + random.nextInt(26)) : pick < 97 ? ' ' : (char) (0xE9 + random.nextInt(10));
            text.append(c);
        }
        return text.toString();
    }

    /** Requests the HTTP client cannot express: raw bytes on a socket (CR/LF and NUL in headers, broken framing). */
    static List<byte[]> rawRequests(String key, String body) {
        List<String> heads = new ArrayList<>();
        String length = "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n";
        heads.add("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-API-Key: wrong\nX-Injected: 1\r\n" + length + "\r\n");
        heads.add("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-API-Key: " + key
                + "\r\nIdempotency-Key: a\rb\r\n" + length + "\r\n");
        heads.add("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-API-Key: " + key
                + "\r\nIdempotency-Key: a\u0000b\r\n" + length + "\r\n");
        heads.add("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\u0000text/plain\r\nX-API-Key: " + key + "\r\n" + length + "\r\n");
        heads.add("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-API-Key: " + key
                + "\r\nContent-Length: 5\r\nContent-Length: 500\r\n\r\n");
        heads.add("POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-API-Key: " + key
                + "\r\nTransfer-Encoding: chunked\r\n" + length + "\r\n");
        heads.add("POST /webhook?x=\r\n HTTP/1.1\r\nHost: x\r\n" + length + "\r\n");
        List<byte[]> requests = new ArrayList<>();
        for (String head : heads) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(body.getBytes(StandardCharsets.UTF_8));
            requests.add(out.toByteArray());
        }
        return requests;
    }
}
