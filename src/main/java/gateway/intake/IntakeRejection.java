package gateway.intake;

/**
 * A request the gateway refuses: the HTTP status and the message the caller sees. Carries no stack
 * trace (it is the expected answer to bad input, not a fault) and never any parser or exception text.
 */
public class IntakeRejection extends RuntimeException {

    private final int status;

    public IntakeRejection(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static IntakeRejection badRequest(String message) {
        return new IntakeRejection(400, message);
    }
}
