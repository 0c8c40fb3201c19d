package gateway.intake;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gateway.http.RequestHeaders;
import gateway.json.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Reads the body of {@code POST /webhook} (and of the other JSON requests) as a JSON object: the media type must
 * be JSON (415), the body no larger than {@code MAX_BODY_BYTES} (413), valid UTF-8 and a JSON object (400
 * {@value #INVALID_JSON}). The caller never sees parser text.
 */
public class JsonRequestBody {

    public static final String INVALID_JSON = "Invalid JSON in request body";

    private final long maxBodyBytes;

    public JsonRequestBody(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Replaces the message body with the parsed JSON object, or throws {@link IntakeRejection}. */
    public ObjectNode read(Exchange exchange) {
        Message in = exchange.getMessage();
        checkMediaType(RequestHeaders.of(in, Exchange.CONTENT_TYPE));
        Long declared = in.getHeader(Exchange.CONTENT_LENGTH, Long.class);
        if (declared != null && declared > maxBodyBytes) {
            throw tooLarge();
        }
        byte[] bytes = in.getBody(byte[].class);
        return parse(bytes == null ? new byte[0] : bytes);
    }

    /** The same checks of a body read off another server (the management port's): 415, 413, 400. */
    public ObjectNode readBytes(String contentType, byte[] bytes) {
        checkMediaType(contentType);
        return parse(bytes == null ? new byte[0] : bytes);
    }

    ObjectNode parse(byte[] bytes) {
        if (bytes.length > maxBodyBytes) {
            throw tooLarge();
        }
        String text = decodeUtf8(bytes);
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw IntakeRejection.badRequest(INVALID_JSON);
        }
        if (node == null || !node.isObject()) {
            throw IntakeRejection.badRequest(INVALID_JSON);
        }
        return (ObjectNode) node;
    }

    private IntakeRejection tooLarge() {
        return new IntakeRejection(413, "Request body too large (limit " + maxBodyBytes + " bytes)");
    }

    static void checkMediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return; // the original accepted bodies without a media type; JSON is assumed
        }
        String[] parts = contentType.toLowerCase(Locale.ROOT).split(";", -1);
        String type = parts[0].trim();
        boolean json = type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
        if (!json) {
            throw new IntakeRejection(415, "Unsupported media type: Content-Type must be application/json");
        }
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].trim();
            if (param.startsWith("charset=")) {
                String charset = param.substring("charset=".length()).replace("\"", "").trim();
                if (!charset.equals("utf-8") && !charset.equals("utf8")) {
                    throw new IntakeRejection(415, "Unsupported charset: request body must be UTF-8");
                }
            }
        }
    }

    private static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw IntakeRejection.badRequest(INVALID_JSON);
        }
    }
}
