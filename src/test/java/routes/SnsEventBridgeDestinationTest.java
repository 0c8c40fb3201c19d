package routes;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import gateway.delivery.DestinationFailure;
import gateway.delivery.DestinationFailure.Action;
import gateway.delivery.WebhookSigner;
import gateway.destinations.AwsOutbound;
import gateway.json.Json;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AwsDestinationRoutes#PUBLISH_SNS} and {@link AwsDestinationRoutes#PUT_EVENTBRIDGE} through the real SDK
 * clients against a loopback stand-in that records each request as the SDK put it on the wire (SNS: a Publish;
 * EventBridge: JSON 1.1 {@code AWSEvents.PutEvents}) and answers as AWS does: success, an error document with its code
 * and status, or (PutEvents) a 200 with {@code FailedEntryCount} 1. No Docker here, so no LocalStack.
 */
class SnsEventBridgeDestinationTest {

    record Request(String path, Map<String, String> headers, String body) {
    }

    record Reply(int status, String contentType, String body, Map<String, String> headers) {
    }

    static HttpServer standIn;
    static final List<Request> requests = new CopyOnWriteArrayList<>();
    static final AtomicReference<Reply> reply = new AtomicReference<>();
    static AwsDestinationsTestbed bed;

    static final String TOPIC = "arn:aws:sns:eu-central-1:123456789012:answers";
    static final String FIFO_TOPIC = "arn:aws:sns:us-east-1:123456789012:answers.fifo";
    static final String BUS = "arn:aws:events:eu-west-2:123456789012:event-bus/answers";

    @BeforeAll
    static void start() throws Exception {
        standIn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        standIn.createContext("/", SnsEventBridgeDestinationTest::handle);
        standIn.setExecutor(Executors.newCachedThreadPool());
        standIn.start();
        String url = "http://127.0.0.1:" + standIn.getAddress().getPort();
        bed = new AwsDestinationsTestbed("", url, url);
    }

    @AfterAll
    static void stop() throws Exception {
        bed.close();
        standIn.stop(0);
    }

    @BeforeEach
    void clear() {
        requests.clear();
    }

    private static void handle(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), String.join(",", values)));
        requests.add(new Request(exchange.getRequestURI().getPath(), headers,
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        Reply answer = reply.get();
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", answer.contentType());
        exchange.getResponseHeaders().add("x-amzn-RequestId", "req-1");
        answer.headers().forEach(exchange.getResponseHeaders()::add);
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    // --- SNS: the Query protocol (form-encoded Action=Publish), XML answers ---

    static Reply snsOk() {
        return new Reply(200, "text/xml", "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult>"
                + "<MessageId>5b1e6f8a-0d5e-5f4c-9a8e-1b2c3d4e5f60</MessageId></PublishResult><ResponseMetadata><RequestId>req-1"
                + "</RequestId></ResponseMetadata></PublishResponse>", Map.of());
    }

    static Reply snsError(int status, String type, String code) {
        return new Reply(status, "text/xml", "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>" + type
                + "</Type><Code>" + code + "</Code><Message>User: arn:aws:sts::123456789012:assumed-role/gateway is not authorized "
                + "to perform: SNS:Publish on resource: " + TOPIC + "</Message></Error><RequestId>req-1</RequestId></ErrorResponse>",
                Map.of());
    }

    static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    /** The Publish's message attributes, from {@code MessageAttributes.entry.N.Name / Value.DataType / Value.StringValue}. */
    static Map<String, String> snsAttributes(Map<String, String> form) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int n = 1; form.containsKey("MessageAttributes.entry." + n + ".Name"); n++) {
            String prefix = "MessageAttributes.entry." + n;
            assertThat(form.get(prefix + ".Value.DataType")).isEqualTo("String");
            attributes.put(form.get(prefix + ".Name"), form.get(prefix + ".Value.StringValue"));
        }
        return attributes;
    }

    @Test
    void snsPublishCarriesThePayloadAndTheSignatureAttributesOnlyToTheTopicsRegion() {
        reply.set(snsOk());
        String payload = AwsDestinationsTestbed.payload("trk-sns", "Answer & <more>.");
        Exchange sent = bed.send(AwsDestinationRoutes.PUBLISH_SNS, bed.delivery("msg_sns1", "trk-sns", payload, TOPIC));
        assertThat(sent.getException()).isNull();
        assertThat(sent.getProperty(AwsOutbound.MESSAGE_ID, String.class)).isEqualTo("5b1e6f8a-0d5e-5f4c-9a8e-1b2c3d4e5f60");

        assertThat(requests).hasSize(1);
        Request request = requests.get(0);
        assertThat(request.headers().get("content-type")).startsWith("application/x-www-form-urlencoded");
        // signed for the topic's region, not the gateway's
        assertThat(request.headers().get("authorization")).contains("/eu-central-1/sns/aws4_request");
        Map<String, String> form = form(request.body());
        assertThat(form).containsEntry("Action", "Publish").containsEntry("TopicArn", TOPIC).containsEntry("Message", payload);
        assertThat(form).doesNotContainKeys("MessageGroupId", "MessageDeduplicationId");
        Map<String, String> attributes = snsAttributes(form);
        assertThat(attributes).containsOnlyKeys(WebhookSigner.HEADER_ID, WebhookSigner.HEADER_TIMESTAMP, WebhookSigner.HEADER_SIGNATURE,
                AwsOutbound.HEADER_TYPE);
        assertThat(attributes).containsEntry(WebhookSigner.HEADER_ID, "msg_sns1").containsEntry(AwsOutbound.HEADER_TYPE, "query.answered");
        assertThat(AwsDestinationsTestbed.SIGNER.check("msg_sns1", attributes.get(WebhookSigner.HEADER_TIMESTAMP), form.get("Message"),
                attributes.get(WebhookSigner.HEADER_SIGNATURE)).isValid()).isTrue();
        assertThat(bed.clients.made()).contains("sns@eu-central-1");
        // the delivery's headers put back, the body SNS's answer
        assertThat(sent.getMessage().getHeader(Exchange.HTTP_URI)).isNotNull();
        assertThat(sent.getMessage().getBody(String.class)).isEqualTo("{\"message_id\":\"5b1e6f8a-0d5e-5f4c-9a8e-1b2c3d4e5f60\"}");
    }

    @Test
    void aFifoTopicGetsTheTrackingIdAsGroupAndTheWebhookIdAsDeduplicationId() {
        reply.set(snsOk());
        Exchange sent = bed.send(AwsDestinationRoutes.PUBLISH_SNS, bed.delivery("msg_snsfifo", "trk-fifo",
                AwsDestinationsTestbed.payload("trk-fifo", "x"), FIFO_TOPIC));
        assertThat(sent.getException()).isNull();
        Map<String, String> form = form(requests.get(0).body());
        assertThat(form).containsEntry("MessageGroupId", "trk-fifo").containsEntry("MessageDeduplicationId", "msg_snsfifo");
    }

    static Stream<Arguments> snsErrors() {
        return Stream.of(
                Arguments.of(snsError(403, "Sender", "AuthorizationError"), Action.PAUSE, "sns_access_denied"),
                Arguments.of(snsError(404, "Sender", "NotFound"), Action.PAUSE, "sns_not_found"),
                Arguments.of(snsError(400, "Sender", "Throttling"), Action.RETRY, "sns_throttled"),
                Arguments.of(snsError(400, "Sender", "KMSDisabled"), Action.PAUSE, "sns_kms_key_unusable"),
                Arguments.of(snsError(400, "Sender", "InvalidParameter"), Action.DEAD_LETTER, "sns_invalid_message"),
                Arguments.of(snsError(500, "Receiver", "InternalError"), Action.RETRY, "sns_unavailable"));
    }

    @ParameterizedTest
    @MethodSource("snsErrors")
    void snsErrorsAreClassifiedByTheirCode(Reply error, Action action, String code) {
        reply.set(error);
        Exchange sent = bed.send(AwsDestinationRoutes.PUBLISH_SNS, bed.delivery("msg_snserr", "trk-e",
                AwsDestinationsTestbed.payload("trk-e", "x"), TOPIC));
        assertThat(sent.getException()).isInstanceOf(DestinationFailure.class);
        DestinationFailure failure = (DestinationFailure) sent.getException();
        assertThat(failure.action()).isEqualTo(action);
        assertThat(failure.code()).isEqualTo(code);
        assertThat(failure.httpStatus()).isEqualTo(error.status());
        // one call: no SDK retries (the delivery route owns them); never AWS's text (ARNs, account ids)
        assertThat(requests).hasSize(1);
        assertThat(failure.getMessage()).doesNotContain("123456789012").doesNotContain("arn:");
        assertThat(sent.getMessage().getHeader(Exchange.HTTP_URI)).isNotNull();
    }

    // --- EventBridge: JSON 1.1, X-Amz-Target AWSEvents.PutEvents ---

    static Reply putEventsAnswer(String json) {
        return new Reply(200, "application/x-amz-json-1.1", json, Map.of());
    }

    static Reply eventsError(int status, String type) {
        return new Reply(status, "application/x-amz-json-1.1", "{\"__type\":\"" + type + "\",\"message\":\"on " + BUS + "\"}",
                Map.of("x-amzn-ErrorType", type));
    }

    @Test
    void putEventsSendsOneEntryWhoseDetailCarriesTheExactPayloadAndTheSignatureHeaders() {
        reply.set(putEventsAnswer("{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"11710aed-b79e-4468-a20b-bb3c0c3b4860\"}]}"));
        String payload = AwsDestinationsTestbed.payload("trk-eb", "Answer with \"quotes\", é and \u2028.");
        Exchange delivery = bed.delivery("msg_eb1", "trk-eb", payload, BUS);
        delivery.setProperty(gateway.flow.FlowProperties.EVENT_SOURCE, "com.example.crm-answers");
        Exchange sent = bed.send(AwsDestinationRoutes.PUT_EVENTBRIDGE, delivery);
        assertThat(sent.getException()).isNull();
        assertThat(sent.getProperty(AwsOutbound.MESSAGE_ID, String.class)).isEqualTo("11710aed-b79e-4468-a20b-bb3c0c3b4860");

        assertThat(requests).hasSize(1);
        Request request = requests.get(0);
        assertThat(request.headers().get("x-amz-target")).isEqualTo("AWSEvents.PutEvents");
        assertThat(request.headers().get("content-type")).isEqualTo("application/x-amz-json-1.1");
        assertThat(request.headers().get("authorization")).contains("/eu-west-2/events/aws4_request");
        JsonNode body = Json.parseOrNull(request.body());
        assertThat(body.path("Entries")).hasSize(1);
        JsonNode entry = body.path("Entries").get(0);
        assertThat(entry.path("EventBusName").asText()).isEqualTo(BUS);
        assertThat(entry.path("Source").asText()).isEqualTo("com.example.crm-answers");
        assertThat(entry.path("DetailType").asText()).isEqualTo("query.answered");
        assertThat(entry.has("Resources")).isFalse();
        JsonNode detail = Json.parseOrNull(entry.path("Detail").asText());
        assertThat(detail.fieldNames()).toIterable().containsExactly("headers", "payload");
        assertThat(detail.path("payload").asText()).isEqualTo(payload);
        JsonNode headers = detail.path("headers");
        assertThat(headers.fieldNames()).toIterable().containsExactly(WebhookSigner.HEADER_ID, WebhookSigner.HEADER_TIMESTAMP,
                WebhookSigner.HEADER_SIGNATURE);
        assertThat(headers.path(WebhookSigner.HEADER_ID).asText()).isEqualTo("msg_eb1");
        // a consumer verifies the payload string as a webhook body
        assertThat(AwsDestinationsTestbed.SIGNER.check("msg_eb1", headers.path(WebhookSigner.HEADER_TIMESTAMP).asText(),
                detail.path("payload").asText(), headers.path(WebhookSigner.HEADER_SIGNATURE).asText()).isValid()).isTrue();
        // the event's time is the signed timestamp
        assertThat(entry.path("Time").asLong()).isEqualTo(headers.path(WebhookSigner.HEADER_TIMESTAMP).asLong());
        assertThat(sent.getMessage().getBody(String.class)).isEqualTo("{\"event_id\":\"11710aed-b79e-4468-a20b-bb3c0c3b4860\"}");
    }

    @Test
    void aBusByNameUsesTheGatewaysRegionAndTheDefaultSource() {
        reply.set(putEventsAnswer("{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"e-2\"}]}"));
        Exchange sent = bed.send(AwsDestinationRoutes.PUT_EVENTBRIDGE, bed.delivery("msg_eb2", "trk-eb2",
                AwsDestinationsTestbed.payload("trk-eb2", "x"), "answers"));
        assertThat(sent.getException()).isNull();
        JsonNode entry = Json.parseOrNull(requests.get(0).body()).path("Entries").get(0);
        assertThat(entry.path("EventBusName").asText()).isEqualTo("answers");
        assertThat(entry.path("Source").asText()).isEqualTo(AwsOutbound.DEFAULT_SOURCE);
        assertThat(requests.get(0).headers().get("authorization")).contains("/us-east-1/events/aws4_request");
    }

    static Stream<Arguments> putEventsFailures() {
        return Stream.of(
                // 200 with the entry refused: a failure by its ErrorCode, not a delivery
                Arguments.of(putEventsAnswer("{\"FailedEntryCount\":1,\"Entries\":[{\"ErrorCode\":\"ThrottlingException\","
                        + "\"ErrorMessage\":\"Rate exceeded\"}]}"), Action.RETRY, "eventbridge_throttled"),
                Arguments.of(putEventsAnswer("{\"FailedEntryCount\":1,\"Entries\":[{\"ErrorCode\":\"InternalFailure\","
                        + "\"ErrorMessage\":\"x\"}]}"), Action.RETRY, "eventbridge_unavailable"),
                Arguments.of(putEventsAnswer("{\"FailedEntryCount\":1,\"Entries\":[{\"ErrorCode\":\"MalformedDetail\","
                        + "\"ErrorMessage\":\"x\"}]}"), Action.DEAD_LETTER, "eventbridge_invalid_message"),
                Arguments.of(putEventsAnswer("{\"FailedEntryCount\":1,\"Entries\":[{\"ErrorCode\":\"NotAuthorizedForSourceException\","
                        + "\"ErrorMessage\":\"x\"}]}"), Action.PAUSE, "eventbridge_access_denied"),
                // error documents
                Arguments.of(eventsError(400, "AccessDeniedException"), Action.PAUSE, "eventbridge_access_denied"),
                Arguments.of(eventsError(400, "ResourceNotFoundException"), Action.PAUSE, "eventbridge_not_found"),
                Arguments.of(eventsError(400, "ThrottlingException"), Action.RETRY, "eventbridge_throttled"),
                Arguments.of(eventsError(429, "TooManyRequestsException"), Action.RETRY, "eventbridge_throttled"),
                Arguments.of(eventsError(500, "InternalException"), Action.RETRY, "eventbridge_unavailable"),
                Arguments.of(eventsError(400, "ValidationException"), Action.DEAD_LETTER, "eventbridge_invalid_message"));
    }

    @ParameterizedTest
    @MethodSource("putEventsFailures")
    void putEventsFailuresAreClassified(Reply answer, Action action, String code) {
        reply.set(answer);
        Exchange sent = bed.send(AwsDestinationRoutes.PUT_EVENTBRIDGE, bed.delivery("msg_ebf", "trk-ebf",
                AwsDestinationsTestbed.payload("trk-ebf", "x"), BUS));
        assertThat(sent.getException()).isInstanceOf(DestinationFailure.class);
        DestinationFailure failure = (DestinationFailure) sent.getException();
        assertThat(failure.action()).isEqualTo(action);
        assertThat(failure.code()).isEqualTo(code);
        assertThat(failure.getMessage()).doesNotContain("123456789012");
        assertThat(requests).hasSize(1);
        // the delivery's message is back for the next attempt
        assertThat(sent.getMessage().getBody(String.class)).contains("\"tracking_id\":\"trk-ebf\"");
        assertThat(sent.getMessage().getHeader(WebhookSigner.HEADER_SIGNATURE)).isNotNull();
    }

    @Test
    void anUnreachableServiceIsRetried() throws Exception {
        try (AwsDestinationsTestbed closed = new AwsDestinationsTestbed("", "http://127.0.0.1:1", "http://127.0.0.1:1")) {
            Exchange sns = closed.send(AwsDestinationRoutes.PUBLISH_SNS, closed.delivery("msg_net", "trk-n",
                    AwsDestinationsTestbed.payload("trk-n", "x"), TOPIC));
            assertThat(((DestinationFailure) sns.getException()).code()).isEqualTo("sns_unreachable");
            assertThat(((DestinationFailure) sns.getException()).action()).isEqualTo(Action.RETRY);
            Exchange events = closed.send(AwsDestinationRoutes.PUT_EVENTBRIDGE, closed.delivery("msg_net", "trk-n",
                    AwsDestinationsTestbed.payload("trk-n", "x"), BUS));
            assertThat(((DestinationFailure) events.getException()).code()).isEqualTo("eventbridge_unreachable");
        }
    }
}
