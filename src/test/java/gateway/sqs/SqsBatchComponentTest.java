package gateway.sqs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import gateway.local.EmbeddedSqsServer;
import gateway.testing.LocalAws;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SqsException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sqs-batch} against a real ElasticMQ through the real SDK client: concurrent sends share calls and
 * all arrive with their attributes; each exchange learns its own entry's fate; deletes work and fail as a
 * plain DeleteMessage would.
 */
class SqsBatchComponentTest {

    static EmbeddedSqsServer server;
    static SqsClient sqs;
    static final List<String> operations = new CopyOnWriteArrayList<>();
    static CamelContext camel;
    static ProducerTemplate template;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedSqsServer(0);
        server.start();
        sqs = LocalAws.sqs(server.endpoint(), new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                operations.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
            }
        });
        for (String q : List.of("batch-send", "batch-delete", "batch-mixed", "batch-visibility")) {
            sqs.createQueue(r -> r.queueName(q));
        }
        sqs.createQueue(r -> r.queueName("batch-fifo.fifo").attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true",
                QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false")));
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("sqsClient", SqsClient.class, sqs);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:send").to("sqs-batch:batch-send?maxInFlight=2");
                from("direct:mixed").to("sqs-batch:batch-mixed");
                from("direct:fifo").to("sqs-batch:batch-fifo.fifo");
                from("direct:missing").to("sqs-batch:no-such-queue");
                from("direct:delete").to("sqs-batch:batch-delete?operation=deleteMessage");
                from("direct:visibility").to("sqs-batch:batch-visibility?operation=changeMessageVisibility");
            }
        });
        camel.start();
        template = camel.createProducerTemplate();
    }

    @AfterAll
    static void stop() throws Exception {
        camel.stop();
        sqs.close();
        server.stop();
    }

    @Test
    void concurrentSendsShareCallsAndEveryMessageArrivesWithItsAttributes() throws Exception {
        operations.clear();
        List<CompletableFuture<Exchange>> sent = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int n = i;
            sent.add(template.asyncSend("direct:send", e -> {
                e.getMessage().setBody("{\"n\":" + n + "}");
                e.getMessage().setHeader("tracking_id", "id-" + n);
                e.getMessage().setHeader("attempt", n);
                e.getMessage().setHeader("CamelInternal", "not an attribute");
                e.getMessage().setHeader("empty", "");
            }));
        }
        List<String> messageIds = new ArrayList<>();
        for (CompletableFuture<Exchange> f : sent) {
            Exchange done = f.get(30, TimeUnit.SECONDS);
            assertThat(done.getException()).isNull();
            messageIds.add(done.getMessage().getHeader(SqsBatchConstants.MESSAGE_ID, String.class));
        }
        assertThat(messageIds).doesNotContainNull().doesNotHaveDuplicates();
        long batchCalls = operations.stream().filter("SendMessageBatch"::equals).count();
        assertThat(batchCalls).as("60 concurrent sends in fewer calls").isLessThan(60).isGreaterThanOrEqualTo(6);

        List<Message> received = drain("batch-send", 60);
        assertThat(received).hasSize(60);
        assertThat(received).extracting(Message::messageId).containsExactlyInAnyOrderElementsOf(messageIds);
        Message one = received.stream().filter(m -> m.body().equals("{\"n\":7}")).findFirst().orElseThrow();
        assertThat(one.messageAttributes()).containsOnlyKeys("tracking_id", "attempt");
        assertThat(one.messageAttributes().get("tracking_id").stringValue()).isEqualTo("id-7");
        assertThat(one.messageAttributes().get("attempt").dataType()).isEqualTo("Number");
        assertThat(one.messageAttributes().get("attempt").stringValue()).isEqualTo("7");
    }

    @Test
    void aRefusedEntryFailsOnlyItsOwnExchange() throws Exception {
        // SQS (and ElasticMQ) refuse bodies with characters outside its allowed set, per entry
        CompletableFuture<Exchange> bad = template.asyncSend("direct:mixed", e -> e.getMessage().setBody("bad \u0000 body"));
        CompletableFuture<Exchange> good = template.asyncSend("direct:mixed", e -> e.getMessage().setBody("good"));
        Exchange refused = bad.get(30, TimeUnit.SECONDS);
        assertThat(refused.getException()).isInstanceOf(SqsException.class).hasMessageContaining("entry failed");
        assertThat(good.get(30, TimeUnit.SECONDS).getException()).isNull();
        assertThat(drain("batch-mixed", 1)).extracting(Message::body).containsExactly("good");
    }

    @Test
    void aQueueThatCannotBeUsedFailsTheExchangeWithAnSdkException() {
        Exchange done = template.send("direct:missing", e -> e.getMessage().setBody("x"));
        assertThat(done.getException()).isInstanceOf(SdkException.class);
    }

    @Test
    void deletesByReceiptHandleAndAnInvalidHandleFails() throws Exception {
        String url = sqs.getQueueUrl(r -> r.queueName("batch-delete")).queueUrl();
        for (int i = 0; i < 5; i++) {
            int n = i;
            sqs.sendMessage(r -> r.queueUrl(url).messageBody("m" + n));
        }
        List<Message> received = new ArrayList<>();
        while (received.size() < 5) {
            received.addAll(sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(30)).messages());
        }
        List<CompletableFuture<Exchange>> deletes = new ArrayList<>();
        for (Message m : received) {
            deletes.add(template.asyncSend("direct:delete", e -> e.getMessage().setHeader(SqsBatchConstants.RECEIPT_HANDLE, m.receiptHandle())));
        }
        for (CompletableFuture<Exchange> f : deletes) {
            assertThat(f.get(30, TimeUnit.SECONDS).getException()).isNull();
        }
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(url)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        assertThat(attributes.values()).containsOnly("0");

        Exchange invalid = template.send("direct:delete", e -> e.getMessage().setHeader(SqsBatchConstants.RECEIPT_HANDLE, "not-a-handle"));
        assertThat(invalid.getException()).isInstanceOf(SdkException.class);
        Exchange none = template.send("direct:delete", e -> e.getMessage().setBody("no handle"));
        assertThat(none.getException()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void changesTheVisibilityOfAReceivedMessage() throws Exception {
        String url = sqs.getQueueUrl(r -> r.queueName("batch-visibility")).queueUrl();
        sqs.sendMessage(r -> r.queueUrl(url).messageBody("later"));
        Message received = sqs.receiveMessage(r -> r.queueUrl(url).visibilityTimeout(300).waitTimeSeconds(1)).messages().get(0);
        assertThat(sqs.receiveMessage(r -> r.queueUrl(url)).messages()).as("hidden for 300 s").isEmpty();

        Exchange done = template.send("direct:visibility", e -> {
            e.getMessage().setHeader(SqsBatchConstants.RECEIPT_HANDLE, received.receiptHandle());
            e.getMessage().setHeader(SqsBatchConstants.VISIBILITY_TIMEOUT, 0);
        });
        assertThat(done.getException()).isNull();
        assertThat(drain("batch-visibility", 1)).extracting(Message::body).containsExactly("later");

        Exchange noTimeout = template.send("direct:visibility", e -> e.getMessage().setHeader(SqsBatchConstants.RECEIPT_HANDLE, "h"));
        assertThat(noTimeout.getException()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fifoEntriesCarryTheirGroupAndDeduplicationIdAndAGroupKeepsItsOrder() throws Exception {
        // all at once, so they share batch calls: within a call SQS keeps the entries' order, across calls
        // the order the calls were made in (each group's sends here come from one thread, one after the other)
        List<CompletableFuture<Exchange>> sent = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String group = "session-" + (i % 2);
            int n = i;
            sent.add(template.asyncSend("direct:fifo", e -> {
                e.getMessage().setBody(group + ":" + n);
                e.getMessage().setHeader("tracking_id", "t-" + n);
                e.getMessage().setHeader(SqsBatchConstants.MESSAGE_GROUP_ID, group);
                e.getMessage().setHeader(SqsBatchConstants.MESSAGE_DEDUPLICATION_ID, "t-" + n);
            }));
            sent.get(sent.size() - 1).get(30, TimeUnit.SECONDS); // accepted one after the other, as the intake's 202s
        }
        // a repeat of an entry already sent (same group and deduplication id): accepted, and dropped by SQS
        Exchange repeat = template.send("direct:fifo", e -> {
            e.getMessage().setBody("session-0:0 again");
            e.getMessage().setHeader(SqsBatchConstants.MESSAGE_GROUP_ID, "session-0");
            e.getMessage().setHeader(SqsBatchConstants.MESSAGE_DEDUPLICATION_ID, "t-0");
        });
        assertThat(repeat.getException()).isNull();
        for (CompletableFuture<Exchange> f : sent) {
            assertThat(f.get(30, TimeUnit.SECONDS).getException()).isNull();
        }

        String url = sqs.getQueueUrl(r -> r.queueName("batch-fifo.fifo")).queueUrl();
        List<Message> received = new ArrayList<>();
        for (int i = 0; i < 50 && received.size() < 12; i++) {
            List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageAttributeNames("All").messageSystemAttributeNamesWithStrings("All")).messages();
            received.addAll(batch);
            batch.forEach(m -> sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle())));
        }
        assertThat(received).hasSize(12);
        for (String group : List.of("session-0", "session-1")) {
            List<Message> ofGroup = received.stream()
                    .filter(m -> group.equals(m.attributesAsStrings().get("MessageGroupId"))).toList();
            assertThat(ofGroup).extracting(Message::body).as(group).allMatch(b -> b.startsWith(group + ":"))
                    .isSortedAccordingTo(java.util.Comparator.comparingInt(b -> Integer.parseInt(b.substring(b.indexOf(':') + 1))))
                    .hasSize(6);
        }
        Message first = received.stream().filter(m -> m.body().equals("session-0:0")).findFirst().orElseThrow();
        assertThat(first.attributesAsStrings()).containsEntry("MessageDeduplicationId", "t-0");
        assertThat(first.messageAttributes()).as("group and deduplication id are not message attributes")
                .containsOnlyKeys("tracking_id");
    }

    @Test
    void aFifoGroupsNextMessageIsHandedOutOnlyOnceTheOneBeforeIsDeleted() throws Exception {
        for (String body : List.of("first", "second")) {
            Exchange done = template.send("direct:fifo", e -> {
                e.getMessage().setBody(body);
                e.getMessage().setHeader(SqsBatchConstants.MESSAGE_GROUP_ID, "one-session");
                e.getMessage().setHeader(SqsBatchConstants.MESSAGE_DEDUPLICATION_ID, "dedup-" + body);
            });
            assertThat(done.getException()).isNull();
        }
        Exchange other = template.send("direct:fifo", e -> {
            e.getMessage().setBody("other");
            e.getMessage().setHeader(SqsBatchConstants.MESSAGE_GROUP_ID, "other-session");
            e.getMessage().setHeader(SqsBatchConstants.MESSAGE_DEDUPLICATION_ID, "dedup-other");
        });
        assertThat(other.getException()).isNull();
        String url = sqs.getQueueUrl(r -> r.queueName("batch-fifo.fifo")).queueUrl();

        Message first = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(1).visibilityTimeout(300)).messages().get(0);
        assertThat(first.body()).isEqualTo("first");
        // while "first" is in flight its group is held; another group is not
        List<Message> meanwhile = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(300))
                .messages();
        assertThat(meanwhile).extracting(Message::body).containsExactly("other");
        // put back (visible again): it keeps its place before "second"
        sqs.changeMessageVisibility(r -> r.queueUrl(url).receiptHandle(first.receiptHandle()).visibilityTimeout(0));
        Message again = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(1).visibilityTimeout(300)).messages().get(0);
        assertThat(again.body()).isEqualTo("first");
        sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(again.receiptHandle()));
        assertThat(drain("batch-fifo.fifo", 1)).extracting(Message::body).containsExactly("second");
        meanwhile.forEach(m -> sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle())));
    }

    @Test
    void aSendToAFifoQueueWithoutAGroupFailsItsExchange() {
        Exchange done = template.send("direct:fifo", e -> e.getMessage().setBody("no group"));
        assertThat(done.getException()).isInstanceOf(SqsException.class);
    }

    private static List<Message> drain(String queue, int expected) {
        String url = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
        List<Message> all = new ArrayList<>();
        for (int i = 0; i < 50 && all.size() < expected; i++) {
            List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)
                    .messageAttributeNames("All").waitTimeSeconds(1)).messages();
            all.addAll(batch);
            batch.forEach(m -> sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle())));
        }
        return all;
    }
}
