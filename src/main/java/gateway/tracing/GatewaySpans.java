package gateway.tracing;

import java.util.HashMap;
import java.util.Map;

import gateway.flow.FlowProperties;
import gateway.logging.Redaction;
import org.apache.camel.Exchange;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanContextPropagationInjector;
import org.apache.camel.telemetry.SpanStorageManagerExchange;
import org.apache.camel.telemetry.TagConstants;
import org.slf4j.MDC;

/**
 * What every span decorator of the gateway adds to Camel's spans (docs/tracing.md): the question's tracking id, the
 * span's ids in the log's MDC ({@code trace_id}, {@code span_id}) while the span is open, and the redrive's rule that a
 * dead letter sent back keeps its question's {@code traceparent}.
 */
public final class GatewaySpans {

    /** The MDC keys of the JSON log lines (log-template.json); Camel carries them across asynchronous hops. */
    public static final String TRACE_ID = "trace_id";
    public static final String SPAN_ID = "span_id";
    public static final String TRACKING_ID_TAG = "gateway.tracking_id";
    /** W3C trace context: the header (and SQS message attribute) that carries a question's trace between replicas. */
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    /**
     * Exchange property: this exchange's headers already hold the trace context its message must carry (a dead letter
     * redriven: its question's), so the next send does not replace it with the sending span's.
     */
    public static final String KEEP_TRACE_CONTEXT = "gateway.keep_trace_context";

    private static final String MDC_STACK = "gateway.trace_mdc";
    private static final SpanStorageManagerExchange SPANS = new SpanStorageManagerExchange();

    private GatewaySpans() {
    }

    /** When a span starts (before its context is injected): the MDC's ids of the enclosing span kept for its end. */
    public static void started(Span span, Exchange exchange) {
        // immutable, so the copies a split or a multicast makes of the exchange share it safely
        exchange.setProperty(MDC_STACK, new LogIds(span, MDC.get(TRACE_ID), MDC.get(SPAN_ID),
                exchange.getProperty(MDC_STACK, LogIds.class)));
    }

    private record LogIds(Span span, String traceId, String spanId, LogIds enclosing) {
    }

    /**
     * The injector Camel's tracer hands the span's context to: into the exchange's headers as Camel's own does (so sends
     * carry {@code traceparent}), unless {@link #KEEP_TRACE_CONTEXT}; and the span's ids into the MDC.
     */
    public static SpanContextPropagationInjector injector(Exchange exchange) {
        return (key, value) -> {
            if (TRACEPARENT.equals(key)) {
                // 00-<32 hex trace id>-<16 hex span id>-<flags>
                String[] parts = value.split("-");
                if (parts.length >= 4) {
                    MDC.put(TRACE_ID, parts[1]);
                    MDC.put(SPAN_ID, parts[2]);
                }
            }
            if (key.startsWith("Camel") || Boolean.TRUE.equals(exchange.getProperty(KEEP_TRACE_CONTEXT, Boolean.class))) {
                return;
            }
            exchange.getIn().setHeader(key, value);
        };
    }

    /**
     * A failed exchange's span: status error and an {@code error} event, as Camel's decorators make it, but with the
     * exception's message redacted as the log's is, and a receiver's refusal named by its status only (Camel's message
     * holds the whole URL, whose query may carry a token).
     */
    public static void failed(Span span, Exchange exchange) {
        if (!exchange.isFailed()) {
            return;
        }
        span.setError(true);
        Exception cause = exchange.getException();
        if (cause != null) {
            Map<String, String> event = new HashMap<>();
            event.put("event", "error");
            event.put("error.kind", cause.getClass().getSimpleName());
            event.put("message", describe(cause));
            span.log(event);
        }
    }

    /**
     * An HTTP exchange's span at its end, in place of Camel's HTTP decorators' (whose error event holds the exception's
     * message unredacted, docs/tracing.md): {@link #failed}, and the response's status when there is one.
     */
    public static void answered(Span span, Exchange exchange) {
        failed(span, exchange);
        Integer responseCode = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (responseCode != null) {
            span.setTag(TagConstants.HTTP_STATUS, responseCode.toString());
        }
    }

    /** What a trace may say of a failure: the log's redaction, and no URL of a receiver. */
    public static String describe(Throwable cause) {
        if (cause instanceof org.apache.camel.http.base.HttpOperationFailedException refused) {
            return "the receiver answered HTTP " + refused.getStatusCode();
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : Redaction.redact(message);
    }

    /** When a span ends: the tracking id as an attribute (once known), and the MDC back to the enclosing span's ids. */
    public static void ended(Span span, Exchange exchange) {
        String trackingId = exchange.getProperty(FlowProperties.TRACKING_ID, String.class);
        if (trackingId != null) {
            span.setTag(TRACKING_ID_TAG, trackingId);
        }
        LogIds top = exchange.getProperty(MDC_STACK, LogIds.class);
        if (top != null && top.span() == span) {
            exchange.setProperty(MDC_STACK, top.enclosing());
            put(TRACE_ID, top.traceId());
            put(SPAN_ID, top.spanId());
        }
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /**
     * A new exchange made for another's work (a record's coalesced changes) continues that one's trace: its W3C headers,
     * which Camel's tracer reads when the new exchange's first span starts. Nothing when tracing is off (no such header).
     */
    public static void continueTrace(Exchange from, Exchange to) {
        Object traceparent = from.getIn().getHeader(TRACEPARENT);
        if (traceparent != null) {
            to.getIn().setHeader(TRACEPARENT, traceparent);
            Object tracestate = from.getIn().getHeader(TRACESTATE);
            if (tracestate != null) {
                to.getIn().setHeader(TRACESTATE, tracestate);
            } else {
                to.getIn().removeHeader(TRACESTATE);
            }
        }
    }

    /** The exchange's open span (Camel's), or null: tracing off, or no span open. */
    public static Span current(Exchange exchange) {
        return exchange == null ? null : SPANS.peek(exchange);
    }

    /**
     * An event on a span (progress of the agent call, an endpoint paused): its name and attributes. Nothing when the
     * span is null (tracing off); an event on a span that has ended meanwhile is dropped by the SDK.
     */
    public static void event(Span span, String name, Map<String, String> attributes) {
        if (span == null) {
            return;
        }
        Map<String, String> fields = new HashMap<>(attributes);
        fields.values().removeIf(java.util.Objects::isNull);
        fields.put("event", name);
        span.log(fields);
    }

    /** An endpoint URI or URL without its query and user info (a receiver's URL may carry a token in either). */
    public static String withoutQuery(String url) {
        if (url == null) {
            return null;
        }
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        int scheme = base.indexOf("://");
        int at = base.indexOf('@');
        if (scheme >= 0 && at > scheme) {
            int slash = base.indexOf('/', scheme + 3);
            if (slash < 0 || at < slash) {
                base = base.substring(0, scheme + 3) + base.substring(at + 1);
            }
        }
        return base;
    }
}
