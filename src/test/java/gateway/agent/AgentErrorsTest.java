package gateway.agent;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.bedrockagentruntime.model.BedrockAgentRuntimeException;
import software.amazon.awssdk.services.bedrockagentruntime.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockagentruntime.model.ServiceQuotaExceededException;

import static org.assertj.core.api.Assertions.assertThat;

class AgentErrorsTest {

    @Test
    void unwrapsCompletionExceptionAndReadsCodeAndStatus() {
        AgentCallException e = AgentErrors.classify(new CompletionException(ResourceNotFoundException.builder()
                .statusCode(404).awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFoundException")
                        .errorMessage("Agent AG not found").build()).build()));

        assertThat(e).isInstanceOf(PermanentAgentException.class);
        assertThat(e.errorCode()).isEqualTo("ResourceNotFoundException");
        assertThat(e.httpStatus()).isEqualTo(404);
        // the log's text is the gateway's: code and status; the service's own text is kept apart, for DEBUG only
        assertThat(e.getMessage()).isEqualTo("InvokeAgent failed: ResourceNotFoundException (HTTP 404)");
        assertThat(e.detail()).isEqualTo("Agent AG not found");
        assertThat(e.callerMessage()).isEqualTo("the agent or its alias was not found (a configuration problem on the gateway's side)");
    }

    @Test
    void quotaIsRetryableAndUnknown5xxToo() {
        assertThat(AgentErrors.classify(ServiceQuotaExceededException.builder().statusCode(400).build()).retryable()).isTrue();
        AgentCallException unknown = AgentErrors.classify(BedrockAgentRuntimeException.builder().statusCode(503)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ServiceUnavailable").build()).build());
        assertThat(unknown.retryable()).isTrue();
        assertThat(unknown.httpStatus()).isEqualTo(503);
        AgentCallException unknown4xx = AgentErrors.classify(BedrockAgentRuntimeException.builder().statusCode(413)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("PayloadTooLarge").build()).build());
        assertThat(unknown4xx.retryable()).isFalse();
    }

    @Test
    void timeoutsAndBrokenConnectionsAreRetryable() {
        AgentCallException timeout = AgentErrors.classify(new CompletionException(ApiCallTimeoutException.create(1000)));
        assertThat(timeout.errorCode()).isEqualTo("Timeout");
        assertThat(timeout).isInstanceOf(RetryableAgentException.class);

        AgentCallException refused = AgentErrors.classify(SdkClientException.create("Unable to execute HTTP request",
                new ConnectException("Connection refused")));
        assertThat(refused.errorCode()).isEqualTo("ConnectionError");
        assertThat(refused.retryable()).isTrue();
        assertThat(AgentErrors.classify(new IOException("reset")).errorCode()).isEqualTo("ConnectionError");
    }

    @Test
    void missingCredentialsAndBugsArePermanent() {
        assertThat(AgentErrors.classify(SdkClientException.create("Unable to load credentials from any of the providers"))
                .errorCode()).isEqualTo("CredentialsError");
        AgentCallException bug = AgentErrors.classify(new NullPointerException("oops"));
        assertThat(bug.errorCode()).isEqualTo("ClientError");
        assertThat(bug.retryable()).isFalse();
    }

    @Test
    void longServiceMessagesAreCutToOneLine() {
        AgentCallException e = AgentErrors.classify(BedrockAgentRuntimeException.builder().statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalServerException")
                        .errorMessage("line1\nline2 " + "y".repeat(1000)).build()).build());
        assertThat(e.detail()).doesNotContain("\n").hasSizeLessThan(400);
        assertThat(e.getMessage()).isEqualTo("InvokeAgent failed: InternalServerException (HTTP 500)");
    }

    @Test
    void anAccessDeniedNamesNoAccountRoleOrAliasExceptInItsDetail() {
        String aws = "User: arn:aws:sts::123456789012:assumed-role/gateway-role/i-0abc is not authorized to perform: "
                + "bedrock:InvokeAgent on resource: arn:aws:bedrock:us-east-1:123456789012:agent-alias/AG/AL";
        AgentCallException e = AgentErrors.classify(BedrockAgentRuntimeException.builder().statusCode(403).requestId("0f1e-77aa")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException").errorMessage(aws).build()).build());
        assertThat(e.getMessage()).isEqualTo("InvokeAgent failed: AccessDeniedException (HTTP 403, request id 0f1e-77aa)");
        assertThat(e.callerMessage()).doesNotContain("123456789012").doesNotContain("arn:");
        assertThat(e.getMessage()).doesNotContain("123456789012");
        assertThat(e.detail()).contains("123456789012");
    }
}
