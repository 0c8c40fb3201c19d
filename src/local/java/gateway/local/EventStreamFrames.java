package gateway.local;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

/** Encodes {@code application/vnd.amazon.eventstream} frames (prelude, headers, payload, CRCs) with the SDK's own codec. */
public final class EventStreamFrames {

    private EventStreamFrames() {
    }

    /** A {@code chunk} event: payload {@code {"bytes":"<base64>"}}. */
    public static Buffer chunk(byte[] bytes) {
        return event("chunk", new JsonObject().put("bytes", Base64.getEncoder().encodeToString(bytes)));
    }

    /** A {@code trace} event with the given TracePart JSON. */
    public static Buffer trace(JsonObject tracePart) {
        return event("trace", tracePart);
    }

    public static Buffer event(String eventType, JsonObject payload) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":event-type", HeaderValue.fromString(eventType));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("event"));
        return frame(headers, payload);
    }

    /** An exception frame, e.g. type {@code internalServerException}, payload {@code {"message":...}}. */
    public static Buffer exception(String exceptionType, String message) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":exception-type", HeaderValue.fromString(exceptionType));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("exception"));
        return frame(headers, new JsonObject().put("message", message));
    }

    private static Buffer frame(Map<String, HeaderValue> headers, JsonObject payload) {
        ByteBuffer encoded = new Message(headers, payload.encode().getBytes(StandardCharsets.UTF_8)).toByteBuffer();
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return Buffer.buffer(bytes);
    }
}
