package gateway.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Map;

import gateway.intake.IntakeRejection;
import gateway.json.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * One of the OpenAPI 3.1 documents of {@code src/main/resources/openapi/} (written in YAML, for people), served as JSON:
 * {@code GET /openapi.json} on the business port ({@code gateway-api.yaml}, {@code routes.OpenApiRoute}) and on the
 * management port ({@code admin-api.yaml}, {@code gateway.admin.ManagementEndpoints}). Read and converted once, when
 * first asked for, not at start: reading YAML costs a start a few hundred milliseconds of class loading, and most
 * instances are never asked. (The tests read both documents through here, so one that is missing or broken fails them.)
 */
public final class OpenApiDocument {

    public static final String GATEWAY = "openapi/gateway-api.yaml";
    public static final String ADMIN = "openapi/admin-api.yaml";

    private final String resource;
    private volatile String json;

    private OpenApiDocument(String resource) {
        this.resource = resource;
    }

    /** The document at this classpath resource (read on first use). */
    public static OpenApiDocument of(String resource) {
        return new OpenApiDocument(resource);
    }

    /** The document as compact JSON. */
    public String json() {
        String converted = json;
        if (converted == null) {
            synchronized (this) {
                if (json == null) {
                    json = read(resource);
                }
                converted = json;
            }
        }
        return converted;
    }

    private static String read(String resource) {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI document " + resource + " is not in the jar");
            }
            JsonNode tree = new YAMLMapper().readTree(in);
            return Json.write(tree);
        } catch (IOException e) {
            throw new UncheckedIOException("the OpenAPI document " + resource + " cannot be read", e);
        }
    }

    /** 405 for any method but GET (the document is read, never written). */
    public void requireGet(Exchange exchange) {
        if (!"GET".equals(exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class))) {
            throw new IntakeRejection(405, "Method not allowed: use GET", Map.of("Allow", "GET"));
        }
    }

    /** 200 with the document (the route's step for {@code GET /openapi.json}). */
    public void serve(Exchange exchange) {
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(json());
    }
}
