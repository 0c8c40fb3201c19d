package gateway.sqs;

/**
 * Why a dead letter is there when SQS's redrive policy moved it by itself (no receive of the gateway got to end
 * it: a crash during the last one, or receives spent by crashes): its receive count and, where the tracking
 * record knows it, the last error of its stage.
 */
public class MovedBySqs extends RuntimeException {

    private final String lastErrorCode;

    public MovedBySqs(int receives, String lastErrorCode) {
        super("moved to the DLQ by SQS's redrive policy after " + receives + " receives"
                + (lastErrorCode == null ? "" : "; last error " + lastErrorCode), null, false, false);
        this.lastErrorCode = lastErrorCode;
    }

    /** The last error the record noted ({@code ThrottlingException}, ...), or null. */
    public String lastErrorCode() {
        return lastErrorCode;
    }
}
