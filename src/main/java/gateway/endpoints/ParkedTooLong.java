package gateway.endpoints;

/** A delivery stayed parked longer than {@code PARKED_RETENTION}: it is dead-lettered with this as its reason. */
public class ParkedTooLong extends RuntimeException {

    public ParkedTooLong(String retention) {
        super("parked longer than PARKED_RETENTION (" + retention + ") while its endpoint stayed paused", null, false, false);
    }
}
