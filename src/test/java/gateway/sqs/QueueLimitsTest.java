package gateway.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueueLimitsTest {

    @Test
    void maxReceiveCountIsReadFromTheRedrivePolicyAsSqsWritesIt() {
        assertThat(QueueLimits.maxReceiveCount("{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:q-dlq\","
                + "\"maxReceiveCount\":\"6\"}")).hasValue(6);
        assertThat(QueueLimits.maxReceiveCount("{\"deadLetterTargetArn\":\"arn\",\"maxReceiveCount\":3}")).hasValue(3);
    }

    @Test
    void noPolicyOrNoCountMeansUnbounded() {
        assertThat(QueueLimits.maxReceiveCount(null)).isEmpty();
        assertThat(QueueLimits.maxReceiveCount("")).isEmpty();
        assertThat(QueueLimits.maxReceiveCount("{\"deadLetterTargetArn\":\"arn\"}")).isEmpty();
        assertThat(QueueLimits.maxReceiveCount("not json")).isEmpty();
    }
}
