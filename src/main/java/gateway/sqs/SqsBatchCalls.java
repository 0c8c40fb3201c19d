package gateway.sqs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The two batch calls of an {@code sqs-batch} endpoint. Each entry's id in the call is its index in the
 * batch, which maps every result back to its exchange: a successful entry continues its exchange, a
 * failed entry fails it with an {@link SqsException} carrying SQS's code and message, and a call that
 * fails as a whole fails every exchange of the batch with the SDK's exception.
 */
final class SqsBatchCalls {

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
        return call(batch, "SendMessageBatch", () -> {
            SendMessageBatchResponse response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl()).entries(entries));
            Map<Integer, String> sent = new HashMap<>();
            response.successful().forEach(ok -> sent.put(Integer.valueOf(ok.id()), ok.messageId()));
            return new Results(sent, failures(response.failed()));
        });
    }

    Runnable delete(List<SqsBatchEntry> batch) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                    .receiptHandle((String) batch.get(i).request()).build());
        }
        return call(batch, "DeleteMessageBatch", () -> {
            DeleteMessageBatchResponse response = sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl()).entries(entries));
            Map<Integer, String> deleted = new HashMap<>();
            response.successful().forEach(ok -> deleted.put(Integer.valueOf(ok.id()), null)); // no message id here
            return new Results(deleted, failures(response.failed()));
        });
    }

    Runnable changeVisibility(List<SqsBatchEntry> batch) {
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            entries.add(((ChangeMessageVisibilityBatchRequestEntry) batch.get(i).request()).toBuilder().id(Integer.toString(i)).build());
        }
        return call(batch, "ChangeMessageVisibilityBatch", () -> {
            ChangeMessageVisibilityBatchResponse response = sqs.changeMessageVisibilityBatch(r -> r.queueUrl(queueUrl()).entries(entries));
            Map<Integer, String> changed = new HashMap<>();
            response.successful().forEach(ok -> changed.put(Integer.valueOf(ok.id()), null));
            return new Results(changed, failures(response.failed()));
        });
    }

    /** What a batch call said of each entry (by index): succeeded (with the new message id, if any), or failed. */
    private record Results(Map<Integer, String> succeeded, Map<Integer, BatchResultErrorEntry> failed) {
    }

    /**
     * Makes the call; returns the work that finishes each exchange with its own entry's result (or, when the
     * call failed as a whole, with the call's exception).
     */
    private static Runnable call(List<SqsBatchEntry> batch, String name, Supplier<Results> call) {
        Results results;
        try {
            results = call.get();
        } catch (RuntimeException e) {
            SdkException failure = asSdkException(e);
            return () -> batch.forEach(entry -> entry.fail(failure));
        }
        return () -> {
            for (int i = 0; i < batch.size(); i++) {
                SqsBatchEntry entry = batch.get(i);
                if (results.succeeded().containsKey(i)) {
                    String messageId = results.succeeded().get(i);
                    if (messageId != null) {
                        entry.exchange().getMessage().setHeader(SqsBatchConstants.MESSAGE_ID, messageId);
                    }
                    entry.succeed();
                } else {
                    entry.fail(entryFailed(name, results.failed().get(i)));
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
