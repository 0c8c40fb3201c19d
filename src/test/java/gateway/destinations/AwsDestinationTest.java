package gateway.destinations;

import gateway.callers.EndpointType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Destinations read: region, name, FIFO; what is refused, without echoing the destination. */
class AwsDestinationTest {

    @ParameterizedTest
    @CsvSource({
            "https://sqs.eu-west-1.amazonaws.com/123456789012/answers, eu-west-1, answers, false",
            "https://sqs.us-gov-west-1.amazonaws.com/123456789012/a.fifo, us-gov-west-1, a.fifo, true",
            "https://ap-southeast-2.queue.amazonaws.com/123456789012/legacy, ap-southeast-2, legacy, false",
            "https://queue.amazonaws.com/123456789012/oldest, us-east-1, oldest, false",
            "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/cn, cn-north-1, cn, false",
            // an SQS-compatible server (ElasticMQ, LocalStack): the gateway's region
            "http://localhost:9324/000000000000/q, ca-central-1, q, false",
    })
    void queueUrls(String url, String region, String name, boolean fifo) {
        AwsDestination queue = AwsDestination.of(EndpointType.SQS, url, "ca-central-1");
        assertThat(queue.region()).isEqualTo(region);
        assertThat(queue.name()).isEqualTo(name);
        assertThat(queue.fifo()).isEqualTo(fifo);
        assertThat(queue.destination()).isEqualTo(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqs.eu-west-1.amazonaws.com/123456789012/q", "https://sqs.eu-west-1.amazonaws.com/q",
            "https://sqs.eu-west-1.amazonaws.com/123456789012/q?Action=SendMessage", "http://sqs.eu-west-1.amazonaws.com/123456789012/q",
            "https://sqs.evil.example.amazonaws.com/123456789012/q", "https://sqs.not_a_region.amazonaws.com/123456789012/q",
            "https://s3.amazonaws.com/123456789012/q", "https://sqs.eu-west-1.amazonaws.com/123456789012/bad name",
            "ftp://host/1/q", ""})
    void badQueueUrlsAreRefusedWithoutEchoingThem(String url) {
        assertThatThrownBy(() -> AwsDestination.of(EndpointType.SQS, url, "us-east-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sqs endpoint")
                .hasMessageNotContaining("123456789012");
        assertThat(AwsDestination.problem(EndpointType.SQS, url)).isPresent();
    }

    @Test
    void topicArns() {
        AwsDestination topic = AwsDestination.of(EndpointType.SNS, "arn:aws:sns:eu-central-1:123456789012:answers.fifo", "us-east-1");
        assertThat(topic.region()).isEqualTo("eu-central-1");
        assertThat(topic.name()).isEqualTo("answers.fifo");
        assertThat(topic.fifo()).isTrue();
        assertThat(AwsDestination.of(EndpointType.SNS, "arn:aws-cn:sns:cn-north-1:123456789012:t", "us-east-1").region())
                .isEqualTo("cn-north-1");
        for (String bad : new String[] {"answers", "arn:aws:sqs:eu-west-1:123456789012:q", "arn:aws:sns:eu-west-1:1234:t",
                "arn:aws:sns:evil.example:123456789012:t", "https://sns.eu-west-1.amazonaws.com/"}) {
            assertThat(AwsDestination.problem(EndpointType.SNS, bad)).as(bad).isPresent();
        }
    }

    @Test
    void busesByNameOrArn() {
        AwsDestination named = AwsDestination.of(EndpointType.EVENTBRIDGE, "answers", "eu-north-1");
        assertThat(named.region()).isEqualTo("eu-north-1");
        assertThat(named.destination()).isEqualTo("answers");
        AwsDestination arn = AwsDestination.of(EndpointType.EVENTBRIDGE, "arn:aws:events:eu-west-2:123456789012:event-bus/answers",
                "eu-north-1");
        assertThat(arn.region()).isEqualTo("eu-west-2");
        assertThat(arn.name()).isEqualTo("answers");
        for (String bad : new String[] {"arn:aws:events:eu-west-2:123456789012:rule/r", "bus name", "arn:aws:events:x:1:event-bus/b"}) {
            assertThat(AwsDestination.problem(EndpointType.EVENTBRIDGE, bad)).as(bad).isPresent();
        }
    }
}
