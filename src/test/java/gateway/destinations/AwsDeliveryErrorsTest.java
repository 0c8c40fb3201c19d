package gateway.destinations;

import java.util.stream.Stream;

import gateway.callers.EndpointType;
import gateway.delivery.DestinationFailure;
import gateway.delivery.DestinationFailure.Action;
import gateway.delivery.DeliveryOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

import static org.assertj.core.api.Assertions.assertThat;

/** Each family of AWS error codes, per service, to its action and code. */
class AwsDeliveryErrorsTest {

    final AwsDeliveryErrors errors = new AwsDeliveryErrors();

    static Stream<Arguments> codes() {
        return Stream.of(
                // throttling: retried
                Arguments.of(EndpointType.SQS, "RequestThrottled", 400, Action.RETRY, "sqs_throttled"),
                Arguments.of(EndpointType.SQS, "AWS.SimpleQueueService.RequestThrottled", 400, Action.RETRY, "sqs_throttled"),
                Arguments.of(EndpointType.SQS, "KmsThrottled", 400, Action.RETRY, "sqs_throttled"),
                Arguments.of(EndpointType.SNS, "Throttling", 400, Action.RETRY, "sns_throttled"),
                Arguments.of(EndpointType.SNS, "KMSThrottling", 400, Action.RETRY, "sns_throttled"),
                Arguments.of(EndpointType.SNS, "KMSThrottlingException", 400, Action.RETRY, "sns_throttled"),
                Arguments.of(EndpointType.EVENTBRIDGE, "ThrottlingException", 400, Action.RETRY, "eventbridge_throttled"),
                Arguments.of(EndpointType.EVENTBRIDGE, "SomethingNew", 429, Action.RETRY, "eventbridge_throttled"),
                // AWS's own trouble: retried
                Arguments.of(EndpointType.SQS, "InternalError", 500, Action.RETRY, "sqs_unavailable"),
                Arguments.of(EndpointType.SNS, "ServiceUnavailable", 503, Action.RETRY, "sns_unavailable"),
                Arguments.of(EndpointType.EVENTBRIDGE, "InternalFailure", null, Action.RETRY, "eventbridge_unavailable"),
                Arguments.of(EndpointType.EVENTBRIDGE, "Anything", 502, Action.RETRY, "eventbridge_unavailable"),
                // the gateway's own credentials: the operator's to fix, retried
                Arguments.of(EndpointType.SQS, "ExpiredToken", 403, Action.RETRY, "sqs_credentials"),
                Arguments.of(EndpointType.SNS, "InvalidClientTokenId", 403, Action.RETRY, "sns_credentials"),
                Arguments.of(EndpointType.EVENTBRIDGE, "UnrecognizedClientException", 400, Action.RETRY, "eventbridge_credentials"),
                // the destination refuses the gateway: paused
                Arguments.of(EndpointType.SQS, "AccessDenied", 403, Action.PAUSE, "sqs_access_denied"),
                Arguments.of(EndpointType.SQS, "AccessDeniedException", 400, Action.PAUSE, "sqs_access_denied"),
                Arguments.of(EndpointType.SNS, "AuthorizationError", 403, Action.PAUSE, "sns_access_denied"),
                Arguments.of(EndpointType.EVENTBRIDGE, "AccessDeniedException", 400, Action.PAUSE, "eventbridge_access_denied"),
                Arguments.of(EndpointType.EVENTBRIDGE, "NotAuthorizedForDetailTypeException", null, Action.PAUSE, "eventbridge_access_denied"),
                Arguments.of(EndpointType.SQS, "UnknownCode", 403, Action.PAUSE, "sqs_access_denied"),
                // gone: paused
                Arguments.of(EndpointType.SQS, "AWS.SimpleQueueService.NonExistentQueue", 400, Action.PAUSE, "sqs_not_found"),
                Arguments.of(EndpointType.SQS, "QueueDoesNotExist", 400, Action.PAUSE, "sqs_not_found"),
                Arguments.of(EndpointType.SQS, "com.amazonaws.sqs#QueueDoesNotExist", 400, Action.PAUSE, "sqs_not_found"),
                Arguments.of(EndpointType.SNS, "NotFound", 404, Action.PAUSE, "sns_not_found"),
                Arguments.of(EndpointType.EVENTBRIDGE, "ResourceNotFoundException", 400, Action.PAUSE, "eventbridge_not_found"),
                Arguments.of(EndpointType.SNS, "UnknownCode", 404, Action.PAUSE, "sns_not_found"),
                // the KMS key of an encrypted queue or topic: paused
                Arguments.of(EndpointType.SQS, "KmsDisabled", 400, Action.PAUSE, "sqs_kms_key_unusable"),
                Arguments.of(EndpointType.SQS, "KmsAccessDenied", 400, Action.PAUSE, "sqs_kms_key_unusable"),
                Arguments.of(EndpointType.SQS, "KMS.DisabledException", 400, Action.PAUSE, "sqs_kms_key_unusable"),
                Arguments.of(EndpointType.SNS, "KMSNotFound", 400, Action.PAUSE, "sns_kms_key_unusable"),
                Arguments.of(EndpointType.SNS, "KMSInvalidState", 400, Action.PAUSE, "sns_kms_key_unusable"),
                Arguments.of(EndpointType.SNS, "KMSOptInRequired", 403, Action.PAUSE, "sns_kms_key_unusable"),
                // the message refused: dead-lettered
                Arguments.of(EndpointType.SQS, "InvalidParameterValue", 400, Action.DEAD_LETTER, "sqs_invalid_message"),
                Arguments.of(EndpointType.SQS, "InvalidMessageContents", 400, Action.DEAD_LETTER, "sqs_invalid_message"),
                Arguments.of(EndpointType.SNS, "InvalidParameter", 400, Action.DEAD_LETTER, "sns_invalid_message"),
                Arguments.of(EndpointType.EVENTBRIDGE, "MalformedDetail", null, Action.DEAD_LETTER, "eventbridge_invalid_message"),
                Arguments.of(EndpointType.EVENTBRIDGE, "ValidationException", 400, Action.DEAD_LETTER, "eventbridge_invalid_message"),
                Arguments.of(EndpointType.SQS, "RequestEntityTooLarge", 413, Action.DEAD_LETTER, "sqs_message_too_large"),
                Arguments.of(EndpointType.SNS, "UnknownCode", 413, Action.DEAD_LETTER, "sns_message_too_large"),
                Arguments.of(EndpointType.SQS, "SomethingElse", 400, Action.DEAD_LETTER, "sqs_rejected"),
                // no status, unknown entry code: retried, the schedule ends it
                Arguments.of(EndpointType.EVENTBRIDGE, "NewEntryCode", null, Action.RETRY, "eventbridge_error"));
    }

    @ParameterizedTest
    @MethodSource("codes")
    void eachCodeFamilyHasItsActionAndCode(EndpointType service, String errorCode, Integer status, Action action, String code) {
        DestinationFailure failure = errors.of(service, errorCode, status);
        assertThat(failure.action()).isEqualTo(action);
        assertThat(failure.code()).isEqualTo(code);
        assertThat(failure.httpStatus()).isEqualTo(status);
        assertThat(failure.outcome()).isEqualTo(action == Action.RETRY ? DeliveryOutcome.RETRYABLE : DeliveryOutcome.PERMANENT);
    }

    @Test
    void sdkExceptionsAreReadByTheirErrorDetailsNeverTheirText() {
        String text = "Access to the resource https://sqs.eu-west-1.amazonaws.com/123456789012/answers is denied.";
        SqsException denied = (SqsException) SqsException.builder().statusCode(403).message(text)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").errorMessage(text).build()).build();
        DestinationFailure failure = errors.classify(EndpointType.SQS, denied);
        assertThat(failure.code()).isEqualTo("sqs_access_denied");
        assertThat(failure.getMessage()).doesNotContain("123456789012").doesNotContain("amazonaws");

        QueueDoesNotExistException gone = (QueueDoesNotExistException) QueueDoesNotExistException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AWS.SimpleQueueService.NonExistentQueue").build()).build();
        assertThat(errors.classify(EndpointType.SQS, gone).action()).isEqualTo(Action.PAUSE);
    }

    @Test
    void networkErrorsAndTimeoutsAreRetried() {
        DestinationFailure network = errors.classify(EndpointType.SNS, SdkClientException.create("Unable to execute HTTP request"));
        assertThat(network.action()).isEqualTo(Action.RETRY);
        assertThat(network.code()).isEqualTo("sns_unreachable");
        DestinationFailure timeout = errors.classify(EndpointType.EVENTBRIDGE, ApiCallTimeoutException.create(10_000));
        assertThat(timeout.action()).isEqualTo(Action.RETRY);
        assertThat(timeout.code()).isEqualTo("eventbridge_timeout");
    }
}
