package gateway.agent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import gateway.flow.FlowProperties;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.bedrockagentruntime.model.InvokeAgentRequest;
import software.amazon.awssdk.services.bedrockagentruntime.model.SessionState;
import software.amazon.awssdk.services.bedrockagentruntime.model.StreamingConfigurations;

/**
 * Sends the message body as {@code inputText} to the agent and replaces the body with the answer.
 *
 * <p>While the agent answers, the call shows what it does to the exchange's {@link AgentProgress} (property
 * {@code CamelBedrockAgentProgress}): its steps and, with header {@code CamelBedrockAgentStreamAnswer=true} (which asks
 * InvokeAgent for {@code streamFinalResponse}), the answer in parts. Without that property nothing is shown and the
 * call is what it was without it.
 *
 * <p>Asynchronous: {@link #process(Exchange, AsyncCallback)} returns as soon as the request is
 * handed to the SDK; when the answer (or the error) is in, the route continues on one of the endpoint's
 * completion threads (never the SDK's I/O thread), so no thread waits while the agent thinks.
 */
public class BedrockAgentProducer extends DefaultAsyncProducer {

    private static final Logger LOG = LoggerFactory.getLogger(BedrockAgentProducer.class);

    public BedrockAgentProducer(BedrockAgentEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public BedrockAgentEndpoint getEndpoint() {
        return (BedrockAgentEndpoint) super.getEndpoint();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        BedrockAgentEndpoint endpoint = getEndpoint();
        Message in = exchange.getMessage();
        String inputText;
        try {
            inputText = in.getMandatoryBody(String.class);
        } catch (InvalidPayloadException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        String trackingId = exchange.getProperty(FlowProperties.TRACKING_ID, String.class);
        InFlightCalls calls = endpoint.getComponent().calls();
        if (calls.cancelled(trackingId)) {
            // cancelled by its caller since the route checked (a redelivery of a failed call, say): never asked
            exchange.setException(new AgentCallCancelled(trackingId));
            callback.done(true);
            return true;
        }
        String sessionId = sessionId(in);
        InvokeAgentRequest.Builder builder = InvokeAgentRequest.builder()
                .agentId(endpoint.getAgentId())
                .agentAliasId(endpoint.getAliasId())
                .sessionId(sessionId)
                .enableTrace(endpoint.isEnableTrace())
                .inputText(inputText);
        SessionState state = sessionState(in);
        if (state != null) {
            builder.sessionState(state);
        }
        boolean streamAnswer = Boolean.TRUE.equals(in.getHeader(BedrockAgentConstants.STREAM_ANSWER, Boolean.class));
        if (streamAnswer) {
            builder.streamingConfigurations(StreamingConfigurations.builder().streamFinalResponse(true).build());
        }
        InvokeAgentRequest request = builder.build();
        AgentAnswerCollector collector = new AgentAnswerCollector(endpoint.getMaxAnswerBytes(), endpoint.getMaxTraceEvents(),
                progress(exchange), streamAnswer, endpoint.isProgressIncludeInputs());
        InFlightGauge gauge = endpoint.getComponent().gauge();
        AtomicBoolean finished = new AtomicBoolean();
        long start = System.nanoTime();

        gauge.increment();
        CompletableFuture<Void> call;
        try {
            call = endpoint.client().invokeAgent(request, collector);
        } catch (RuntimeException e) {
            gauge.decrement();
            exchange.setException(AgentErrors.classify(e));
            callback.done(true);
            return true;
        }
        // the question's caller may cancel it while the agent answers: the call is then aborted (the SDK request
        // cancelled, its stream reset) and the exchange ends with AgentCallCancelled
        Runnable[] cancel = new Runnable[1];
        Runnable unregister = () -> {
            if (trackingId != null) {
                calls.unregister(trackingId, cancel[0]);
            }
        };
        cancel[0] = () -> {
            finish(exchange, callback, collector, sessionId, start, new AgentCallCancelled(trackingId), finished, gauge, unregister);
            call.cancel(true);
        };
        if (trackingId != null) {
            calls.register(trackingId, cancel[0]);
        }
        collector.aborted().whenComplete((ignored, abort) -> {
            if (abort != null) {
                finish(exchange, callback, collector, sessionId, start, abort, finished, gauge, unregister);
                call.cancel(true);
            }
        });
        call.whenComplete((ignored, failure) -> {
            Throwable abort = collector.abortError();
            finish(exchange, callback, collector, sessionId, start, abort != null ? abort : failure, finished, gauge, unregister);
        });
        return false;
    }

    private void finish(Exchange exchange, AsyncCallback callback, AgentAnswerCollector collector, String sessionId,
                        long start, Throwable failure, AtomicBoolean finished, InFlightGauge gauge, Runnable unregister) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        unregister.run();
        gauge.decrement();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        try {
            Message out = exchange.getMessage();
            out.setHeader(BedrockAgentConstants.SESSION_ID, sessionId);
            out.setHeader(BedrockAgentConstants.DURATION_MILLIS, millis);
            out.setHeader(BedrockAgentConstants.TRACE_COUNT, collector.traceCount());
            out.setHeader(BedrockAgentConstants.TRACE_SUMMARY, collector.traceSummary());
            if (failure instanceof AgentCallCancelled cancelled) {
                LOG.debug("InvokeAgent session={} aborted after {} ms: cancelled by its caller", sessionId, millis);
                exchange.setException(cancelled);
            } else if (failure != null) {
                AgentCallException error = AgentErrors.classify(failure);
                // the service's own text (account, role, alias ARNs; a quote of the request) at DEBUG only
                LOG.debug("InvokeAgent session={} failed after {} ms: {}: {}", sessionId, millis, error.getMessage(), error.detail());
                exchange.setException(error);
            } else {
                collector.finishAnswer(); // the last part of a streamed answer, before the route goes on
                String answer = collector.answer();
                LOG.debug("InvokeAgent session={} answered in {} ms: {} bytes, {} trace events",
                        sessionId, millis, collector.answerBytes(), collector.traceCount());
                out.setBody(answer);
            }
        } catch (RuntimeException e) {
            exchange.setException(e);
        } finally {
            // the route goes on in the endpoint's completion threads, not in this (SDK I/O) thread
            getEndpoint().complete(() -> callback.done(false));
        }
    }

    /** Exchange property {@code CamelBedrockAgentProgress}, else {@link AgentProgress#NONE}. */
    static AgentProgress progress(Exchange exchange) {
        Object progress = exchange.getProperty(BedrockAgentConstants.PROGRESS);
        return progress instanceof AgentProgress p ? p : AgentProgress.NONE;
    }

    /**
     * Headers {@code CamelBedrockAgentSessionAttributes} and {@code CamelBedrockAgentPromptSessionAttributes} as the
     * call's {@code sessionState}; null when both are absent or empty (no sessionState is sent).
     */
    static SessionState sessionState(Message in) {
        Map<String, String> session = stringMap(in.getHeader(BedrockAgentConstants.SESSION_ATTRIBUTES));
        Map<String, String> prompt = stringMap(in.getHeader(BedrockAgentConstants.PROMPT_SESSION_ATTRIBUTES));
        if (session.isEmpty() && prompt.isEmpty()) {
            return null;
        }
        SessionState.Builder state = SessionState.builder();
        if (!session.isEmpty()) {
            state.sessionAttributes(session);
        }
        if (!prompt.isEmpty()) {
            state.promptSessionAttributes(prompt);
        }
        return state.build();
    }

    /** A header's map with its keys and values as text (null entries dropped); empty when it is not a map. */
    private static Map<String, String> stringMap(Object header) {
        Map<String, String> out = new LinkedHashMap<>();
        if (header instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (k != null && v != null) {
                    out.put(k.toString(), v.toString());
                }
            });
        }
        return out;
    }

    /** Header {@code CamelBedrockAgentSessionId} (the route sets it), else a random UUID. */
    static String sessionId(Message in) {
        String id = in.getHeader(BedrockAgentConstants.SESSION_ID, String.class);
        return id == null || id.isBlank() ? UUID.randomUUID().toString() : id;
    }
}
