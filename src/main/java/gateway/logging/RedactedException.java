package gateway.logging;

/**
 * The copy of an exception whose message (or a cause's) held a secret ({@link Redaction}): the same class name (first
 * in its text), the same stack trace and causes, the message redacted. Only ever made for a log line.
 */
public final class RedactedException extends RuntimeException {

    private final String originalClass;

    private RedactedException(String originalClass, String message, Throwable cause, StackTraceElement[] stackTrace) {
        super(message, cause, false, true);
        this.originalClass = originalClass;
        setStackTrace(stackTrace);
    }

    /** {@code thrown} itself when no message in its chain needs redacting, else a redacted copy of the chain. */
    public static Throwable of(Throwable thrown) {
        if (thrown == null || !needsRedaction(thrown, 0)) {
            return thrown;
        }
        return copy(thrown, 0);
    }

    /** The class of the exception this copies. */
    public String originalClass() {
        return originalClass;
    }

    @Override
    public String toString() {
        String message = getMessage();
        return message == null ? originalClass : originalClass + ": " + message;
    }

    private static boolean needsRedaction(Throwable t, int depth) {
        if (t == null || depth > 20) {
            return false;
        }
        String message = t.getMessage();
        return Redaction.redact(message) != message || needsRedaction(t.getCause(), depth + 1);
    }

    private static Throwable copy(Throwable t, int depth) {
        if (t == null || depth > 20) {
            return null;
        }
        String name = t instanceof RedactedException r ? r.originalClass : t.getClass().getName();
        RedactedException copy = new RedactedException(name, Redaction.redact(t.getMessage()), copy(t.getCause(), depth + 1),
                t.getStackTrace());
        for (Throwable suppressed : t.getSuppressed()) {
            copy.addSuppressed(copy(suppressed, depth + 1));
        }
        return copy;
    }
}
