package gateway.endpoints;

/**
 * A parked delivery being released or probed failed in a way that says the endpoint is not back (408, 429, 5xx, 410, a
 * network error): the release stops there, the delivery stays parked, first in its lane.
 */
public class ReleaseStopped extends RuntimeException {

    public ReleaseStopped(String failure) {
        super("release stopped: " + failure, null, false, false);
    }
}
