package gateway.tracing;

import java.util.Map;

import gateway.flow.QueueAttributes;
import gateway.sqs.DeadLetters;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Headers;
import org.slf4j.MDC;

/**
 * The few spans the gateway makes itself, where a question's trace would otherwise break: a dead letter sent back to
 * its work queue by an operator's redrive continues its question's trace (not the operator's request's). A no-op when
 * tracing is off ({@link #off()}).
 */
public class QuestionTraces {

    private static final TextMapGetter<Map<String, Object>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, Object> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, Object> carrier, String key) {
            Object value = carrier == null ? null : carrier.get(key);
            return value instanceof String s ? s : null;
        }
    };

    private final Tracer tracer;
    private final ContextPropagators propagators;

    public QuestionTraces(Tracer tracer, ContextPropagators propagators) {
        this.tracer = tracer;
        this.propagators = propagators;
    }

    public static QuestionTraces off() {
        return new QuestionTraces(null, null);
    }

    public boolean on() {
        return tracer != null;
    }

    /**
     * A dead letter SQS's redrive policy moved (the sweep's body, the SDK's message): its trace context as headers, so
     * the sweep's handling of it (its {@code query.failed} webhook, its record) goes on in its question's trace.
     */
    public void carriedBy(@Body software.amazon.awssdk.services.sqs.model.Message dead, @Headers Map<String, Object> headers) {
        if (tracer == null || dead == null) {
            return;
        }
        for (String key : new String[] {GatewaySpans.TRACEPARENT, GatewaySpans.TRACESTATE}) {
            var value = dead.messageAttributes().get(key);
            if (value != null && value.stringValue() != null) {
                headers.put(key, value.stringValue());
            }
        }
    }

    /**
     * After {@code DeadLetterAdmin.redriven}: the headers hold the dead letter's attributes, among them its question's
     * {@code traceparent}. A span "redrive &lt;queue&gt;" in that trace (linked to the operator's request) becomes the
     * parent of the stage that takes the message again, and the send keeps it ({@link GatewaySpans#KEEP_TRACE_CONTEXT}).
     */
    public void redriven(Exchange exchange, String queue) {
        if (tracer == null) {
            return;
        }
        Map<String, Object> headers = exchange.getIn().getHeaders();
        Context question = propagators.getTextMapPropagator().extract(Context.root(), headers, HEADERS);
        if (!Span.fromContext(question).getSpanContext().isValid()) {
            return; // a dead letter from before tracing was on: the redrive's own trace carries it
        }
        var builder = tracer.spanBuilder("redrive " + queue).setParent(question);
        // the operator's request: the exchange's open span, as the MDC has it (Span.current() may be another exchange's:
        // Camel makes a span current in one thread and may end it in another)
        String operatorTrace = MDC.get(GatewaySpans.TRACE_ID);
        String operatorSpan = MDC.get(GatewaySpans.SPAN_ID);
        if (operatorTrace != null && operatorSpan != null
                && !operatorTrace.equals(Span.fromContext(question).getSpanContext().getTraceId())) {
            SpanContext operator = SpanContext.create(operatorTrace, operatorSpan, TraceFlags.getSampled(), TraceState.getDefault());
            if (operator.isValid()) {
                builder.addLink(operator);
            }
        }
        Object trackingId = headers.get(QueueAttributes.TRACKING_ID);
        if (trackingId instanceof String id) {
            builder.setAttribute(GatewaySpans.TRACKING_ID_TAG, id);
        }
        Object redrives = headers.get(DeadLetters.REDRIVES);
        if (redrives != null) {
            builder.setAttribute("gateway.redrives", redrives.toString());
        }
        Span span = builder.startSpan();
        span.end();
        propagators.getTextMapPropagator().inject(Context.root().with(span), headers, (carrier, key, value) -> carrier.put(key, value));
        exchange.setProperty(GatewaySpans.KEEP_TRACE_CONTEXT, true);
    }
}
