package gateway.destinations;

import java.util.Locale;
import java.util.Set;

import gateway.callers.EndpointType;
import gateway.delivery.DestinationFailure;
import gateway.delivery.DestinationFailure.Action;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * What an AWS destination's error means for the delivery, as a {@link DestinationFailure}:
 * <ul>
 *   <li>{@link Action#RETRY}: throttling ({@code Throttling}, {@code ThrottlingException}, {@code RequestThrottled},
 *       {@code KMSThrottlingException}, HTTP 429 …: {@code <service>_throttled}), AWS's own trouble (5xx,
 *       {@code InternalFailure}: {@code _unavailable}), the network or a timeout ({@code _unreachable},
 *       {@code _timeout}), and the gateway's own credentials refused or expired ({@code _credentials}: the operator's
 *       to fix, not the destination owner's);</li>
 *   <li>{@link Action#PAUSE}: the destination refuses the gateway or is gone, until its owner acts: access denied
 *       ({@code AccessDenied}, {@code AccessDeniedException}, {@code AuthorizationError}, EventBridge's
 *       {@code NotAuthorizedForSourceException}…: {@code _access_denied}), not found ({@code QueueDoesNotExist},
 *       {@code AWS.SimpleQueueService.NonExistentQueue}, {@code NotFound}, {@code ResourceNotFoundException}:
 *       {@code _not_found}), its KMS key disabled, missing or not usable by the gateway ({@code KmsDisabled},
 *       {@code KMSNotFound}, {@code KMSAccessDenied}, {@code KMSInvalidState}…: {@code _kms_key_unusable});</li>
 *   <li>{@link Action#DEAD_LETTER}: the message itself is refused: too large ({@code _message_too_large}), invalid
 *       ({@code InvalidParameter…}, {@code InvalidMessageContents}, {@code ValidationException},
 *       {@code MalformedDetail}, {@code InvalidArgument}: {@code _invalid_message}), any other 4xx
 *       ({@code _rejected}); an unknown 403 or 404 pauses as access denied or not found.</li>
 * </ul>
 * The code names the family, never the AWS error's own text (it can hold ARNs and account ids): that goes to the log at
 * DEBUG only.
 */
public final class AwsDeliveryErrors {

    private static final Logger LOG = LoggerFactory.getLogger(AwsDeliveryErrors.class);

    private static final Set<String> THROTTLED = Set.of("throttling", "throttled", "requestthrottled", "toomanyrequests",
            "slowdown", "kmsthrottling", "kmsthrottled", "requestlimitexceeded", "provisionedthroughputexceeded");
    private static final Set<String> UNAVAILABLE = Set.of("internalfailure", "internalerror", "internal", "serviceunavailable",
            "internalserviceerror", "servicefailure");
    private static final Set<String> CREDENTIALS = Set.of("expiredtoken", "invalidclienttokenid", "unrecognizedclient",
            "signaturedoesnotmatch", "missingauthenticationtoken", "incompletesignature", "requestexpired", "invalidsecurity");
    private static final Set<String> ACCESS_DENIED = Set.of("accessdenied", "authorizationerror", "notauthorized", "forbidden",
            "notauthorizedforsource", "notauthorizedfordetailtype", "authorizationfailure");
    private static final Set<String> NOT_FOUND = Set.of("queuedoesnotexist", "nonexistentqueue", "queuedeletedrecently", "notfound",
            "resourcenotfound", "topicnotfound");
    private static final Set<String> KMS_UNUSABLE = Set.of("kmsdisabled", "kmsnotfound", "kmsaccessdenied", "kmsinvalidstate",
            "kmsinvalidkeyusage", "kmsoptinrequired", "kmsdisabledexception");
    private static final Set<String> TOO_LARGE = Set.of("requestentitytoolarge", "messagetoolong", "batchrequesttoolong",
            "requesttoolarge", "payloadtoolarge");
    private static final Set<String> INVALID = Set.of("invalidmessagecontents", "validation", "malformeddetail", "invalidargument",
            "invalidattributename", "invalidattributevalue", "malformedquerystring", "invalidaction", "missingparameter",
            "invalidbatchentryid", "unsupportedoperation");

    /**
     * The route's {@code doCatch} of an {@code SdkException}: throws the {@link DestinationFailure} of the exchange's
     * caught exception, for {@code service} ({@code sqs}, {@code sns}, {@code eventbridge}).
     */
    public void rethrow(Exchange exchange, String service) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        throw classify(EndpointType.of(service).orElseThrow(() -> new IllegalArgumentException("not a service: " + service)), caught);
    }

    /**
     * EventBridge answers PutEvents with 200 even when its entry was refused ({@code FailedEntryCount} 1, the entry's
     * {@code ErrorCode}: {@code ThrottlingException}, {@code InternalFailure}, {@code MalformedDetail},
     * {@code NotAuthorizedForSourceException}…): that is a failure, classified by the entry's code.
     */
    public void checkPutEvents(Exchange exchange) {
        PutEventsResponse response = exchange.getProperty(AwsOutbound.PUT_EVENTS_RESPONSE, PutEventsResponse.class);
        if (response == null) {
            throw new DestinationFailure(Action.RETRY, "eventbridge_no_answer", null, null, "eventbridge delivery failed: no PutEvents answer");
        }
        Integer failed = response.failedEntryCount();
        if (failed == null || failed == 0) {
            return;
        }
        PutEventsResultEntry entry = response.hasEntries() && !response.entries().isEmpty() ? response.entries().get(0) : null;
        String errorCode = entry == null ? null : entry.errorCode();
        LOG.debug("eventbridge refused the entry: {} {}", errorCode, entry == null ? null : entry.errorMessage());
        throw of(EndpointType.EVENTBRIDGE, errorCode, null);
    }

    /** The failure {@code error} means for a delivery to {@code service}. */
    public DestinationFailure classify(EndpointType service, Throwable error) {
        if (error instanceof AwsServiceException aws) {
            String code = aws.awsErrorDetails() == null ? null : aws.awsErrorDetails().errorCode();
            LOG.debug("{} answered {} {}: {}", service.wireName(), aws.statusCode(), code, aws.getMessage());
            return of(service, code, aws.statusCode() > 0 ? aws.statusCode() : null);
        }
        if (error instanceof ApiCallTimeoutException || error instanceof ApiCallAttemptTimeoutException) {
            LOG.debug("{} call timed out: {}", service.wireName(), error.getMessage());
            return failure(service, Action.RETRY, "timeout", null);
        }
        if (error instanceof SdkClientException) {
            LOG.debug("{} not reached: {}", service.wireName(), error.getMessage());
            return failure(service, Action.RETRY, "unreachable", null);
        }
        LOG.debug("{} call failed: {}", service.wireName(), error == null ? null : error.toString());
        return failure(service, Action.RETRY, "error", null);
    }

    /**
     * The failure of an error {@code errorCode} AWS gave with {@code httpStatus} (null: none, as for an EventBridge
     * entry's {@code ErrorCode} in a 200 answer).
     */
    public DestinationFailure of(EndpointType service, String errorCode, Integer httpStatus) {
        String code = normalised(errorCode);
        int status = httpStatus == null ? 0 : httpStatus;
        if (THROTTLED.contains(code) || status == 429) {
            return failure(service, Action.RETRY, "throttled", httpStatus);
        }
        if (KMS_UNUSABLE.contains(code)) {
            return failure(service, Action.PAUSE, "kms_key_unusable", httpStatus);
        }
        if (CREDENTIALS.contains(code)) {
            return failure(service, Action.RETRY, "credentials", httpStatus);
        }
        if (ACCESS_DENIED.contains(code)) {
            return failure(service, Action.PAUSE, "access_denied", httpStatus);
        }
        if (NOT_FOUND.contains(code)) {
            return failure(service, Action.PAUSE, "not_found", httpStatus);
        }
        if (UNAVAILABLE.contains(code) || status >= 500) {
            return failure(service, Action.RETRY, "unavailable", httpStatus);
        }
        if (TOO_LARGE.contains(code) || status == 413) {
            return failure(service, Action.DEAD_LETTER, "message_too_large", httpStatus);
        }
        if (INVALID.contains(code) || code.startsWith("invalidparameter")) {
            return failure(service, Action.DEAD_LETTER, "invalid_message", httpStatus);
        }
        if (status == 401 || status == 403) {
            return failure(service, Action.PAUSE, "access_denied", httpStatus);
        }
        if (status == 404 || status == 410) {
            return failure(service, Action.PAUSE, "not_found", httpStatus);
        }
        if (status == 408) {
            return failure(service, Action.RETRY, "timeout", httpStatus);
        }
        if (status >= 400) {
            return failure(service, Action.DEAD_LETTER, "rejected", httpStatus);
        }
        // no status (an entry's error) and a code not known here: tried again, the schedule ends it
        return failure(service, Action.RETRY, "error", httpStatus);
    }

    /**
     * {@code AWS.SimpleQueueService.NonExistentQueue} → {@code nonexistentqueue}, {@code AccessDeniedException} →
     * {@code accessdenied}, {@code com.amazonaws.sqs#QueueDoesNotExist} → {@code queuedoesnotexist}.
     */
    static String normalised(String errorCode) {
        if (errorCode == null) {
            return "";
        }
        String code = errorCode.strip();
        int hash = code.lastIndexOf('#');
        if (hash >= 0) {
            code = code.substring(hash + 1);
        }
        int colon = code.indexOf(':');
        if (colon >= 0) {
            code = code.substring(0, colon);
        }
        int dot = code.lastIndexOf('.');
        if (dot >= 0 && !code.toLowerCase(Locale.ROOT).startsWith("kms.")) {
            code = code.substring(dot + 1);
        } else if (dot >= 0) {
            code = "kms" + code.substring(dot + 1);
        }
        code = code.toLowerCase(Locale.ROOT);
        if (code.endsWith("exception")) {
            code = code.substring(0, code.length() - "exception".length());
        }
        return code;
    }

    private static DestinationFailure failure(EndpointType service, Action action, String family, Integer httpStatus) {
        String code = service.wireName() + "_" + family;
        return new DestinationFailure(action, code, httpStatus, null,
                service.wireName() + " delivery failed: " + code + (httpStatus == null ? "" : " (HTTP " + httpStatus + ")"));
    }
}
