package gateway.sqs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The two batch calls of an {@code sqs-batch} endpoint. Each entry's id in the call is its index in the
 * batch, which maps every result back to its exchange: a successful entry continues its exchange, a
 * failed entry fails it with an {@link SqsException} carrying SQS's code and message, and a call that
 * fails as a whole fails every exchange of the batch with the SDK's exception.
 */
final class SqsBatchCalls {

    /** The message id of a sent message, as {@code aws2-sqs} names the header. */
    static final String MESSAGE_ID = "CamelAwsSqsMessageId";

    private final SqsClient sqs;
    private final String queueName;
    private volatile String queueUrl;

    SqsBatchCalls(SqsClient sqs, String queueName) {
        this.sqs = sqs;
        this.queueName = queueName;
    }

    Runnable send(List<SqsBatchEntry> batch) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            entries.add(((SendMessageBatchRequestEntry) batch.get(i).request()).toBuilder().id(Integer.toString(i)).build());
        }
        SendMessageBatchResponse response;
        try {
            response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl()).entries(entries));
        } catch (RuntimeException e) {
            SdkException failure = asSdkException(e);
            return () -> batch.forEach(entry -> entry.fail(failure));
        }
        Map<Integer, String> sent = new HashMap<>();
        for (SendMessageBatchResultEntry ok : response.successful()) {
            sent.put(Integer.valueOf(ok.id()), ok.messageId());
        }
        Map<Integer, BatchResultErrorEntry> failed = failures(response.failed());
        return () -> {
            for (int i = 0; i < batch.size(); i++) {
                SqsBatchEntry entry = batch.get(i);
                String messageId = sent.get(i);
                if (messageId != null) {
                    entry.exchange().getMessage().setHeader(MESSAGE_ID, messageId);
                    entry.succeed();
                } else {
                    entry.fail(entryFailed("SendMessageBatch", failed.get(i)));
                }
            }
        };
    }

    Runnable delete(List<SqsBatchEntry> batch) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                    .receiptHandle((String) batch.get(i).request()).build());
        }
        DeleteMessageBatchResponse response;
        try {
            response = sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl()).entries(entries));
        } catch (RuntimeException e) {
            SdkException failure = asSdkException(e);
            return () -> batch.forEach(entry -> entry.fail(failure));
        }
        Map<Integer, BatchResultErrorEntry> failed = failures(response.failed());
        return () -> {
            for (int i = 0; i < batch.size(); i++) {
                BatchResultErrorEntry error = failed.get(i);
                if (error == null) {
                    batch.get(i).succeed();
                } else {
                    batch.get(i).fail(entryFailed("DeleteMessageBatch", error));
                }
            }
        };
    }

    private String queueUrl() {
        String url = queueUrl;
        if (url == null) {
            url = sqs.getQueueUrl(r -> r.queueName(queueName)).queueUrl();
            queueUrl = url;
        }
        return url;
    }

    /** Anything else that goes wrong in a call fails its exchanges as an SDK failure (the queue is unusable). */
    private static SdkException asSdkException(RuntimeException e) {
        return e instanceof SdkException sdk ? sdk : SdkException.create("SQS batch call failed: " + e.getClass().getSimpleName(), e);
    }

    private static Map<Integer, BatchResultErrorEntry> failures(List<BatchResultErrorEntry> failed) {
        Map<Integer, BatchResultErrorEntry> byIndex = new HashMap<>();
        for (BatchResultErrorEntry error : failed) {
            byIndex.put(Integer.valueOf(error.id()), error);
        }
        return byIndex;
    }

    /** An entry's failure as the exception a plain call would have thrown (a missing result counts too). */
    private static SqsException entryFailed(String call, BatchResultErrorEntry error) {
        String code = error == null ? "MissingResult" : error.code();
        String message = error == null ? "no result for this entry" : error.message();
        boolean senderFault = error != null && Boolean.TRUE.equals(error.senderFault());
        return (SqsException) SqsException.builder()
                .message(call + " entry failed: " + code + (message == null ? "" : " (" + message + ")"))
                .statusCode(senderFault ? 400 : 500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
                .build();
    }
}
