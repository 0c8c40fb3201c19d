package gateway.local;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-request behaviour of the {@link AgentEmulator}, read from directives inside the question text
 * and falling back to the emulator's {@link AgentEmulator.Settings}:
 * <pre>
 * [emulator:latency=2000]        think 2000 ms before the answer (non-blocking timer)
 * [emulator:chunk-size=16]       bytes per chunk event
 * [emulator:throttle=2]          first 2 calls of this session: HTTP 429 ThrottlingException
 * [emulator:internal-error=1]    first call of this session: HTTP 500 InternalServerException
 * [emulator:validation]          HTTP 400 ValidationException (every call)
 * [emulator:access-denied]       HTTP 403 AccessDeniedException
 * [emulator:not-found]           HTTP 404 ResourceNotFoundException
 * [emulator:stream-error=1]      first call of this session: exception frame after some chunks
 * [emulator:stream-error-type=throttlingException]   the exception frame's type (default internalServerException)
 * [emulator:drop=1]              first call of this session: connection closed after some chunks
 * [emulator:split-utf8]          cut chunks inside multi-byte characters
 * [emulator:answer-bytes=500000] pad the answer to at least this many bytes
 * [emulator:steps=5]             5 trace steps (with enableTrace), one of each kind in turn: rationale, action group,
 *                                knowledge-base lookup, guardrail, model; spread evenly over the latency (the first at
 *                                once), the answer at the end of the latency (default: 1 step, the rationale)
 * [emulator:steps=5,over=10s]    the same, spread over 10 s (ms, s or m; plain digits: ms); the answer comes after
 *                                the latency or the 10 s, whichever is later
 * </pre>
 * An InvokeAgent call with {@code streamingConfigurations.streamFinalResponse=true} gets its answer's chunks spread
 * from its last step to the answer's time, the last one then; without it, all chunks come at the answer's time.
 * Calls are counted per session id (retrieveAndGenerate without a session: per question text).
 */
record EmulatorDirectives(long latencyMillis, int chunkSize, int throttleFirstN, int internalErrorFirstN,
                          boolean validation, boolean accessDenied, boolean notFound,
                          int streamErrorFirstN, String streamErrorType, int dropFirstN,
                          boolean splitMultiByte, int answerBytes, int steps, long stepsOverMillis) {

    static final Pattern DIRECTIVE = Pattern.compile("\\[emulator:([a-z0-9-]+)(?:=([^\\]]*))?]");
    static final int MAX_STEPS = 1000;
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m)?");

    /** When the steps are spread over no time of their own: over the latency. */
    long stepsOver() {
        return stepsOverMillis >= 0 ? stepsOverMillis : latencyMillis;
    }

    /** When the answer is due: after the latency and the steps' time. */
    long answerAt() {
        return Math.max(latencyMillis, stepsOver());
    }

    /** When step {@code i} (from 0) is due: the steps evenly spread, the first at once. */
    long stepAt(int i) {
        return stepsOver() * i / Math.max(1, steps);
    }

    /** When the answer begins: at its time, or, streamed, with the last step (at once without steps). */
    long answerFrom(boolean streamAnswer) {
        return streamAnswer ? stepAt(Math.max(0, steps - 1)) : answerAt();
    }

    /**
     * When chunk {@code i} (from 0) of {@code count} is due: all at the answer's time, or, streamed, evenly spread from
     * {@link #answerFrom} to the answer's time, the last one then.
     */
    long chunkAt(int i, int count, boolean streamAnswer) {
        long from = answerFrom(streamAnswer);
        return from + (answerAt() - from) * (i + 1) / Math.max(1, count);
    }

    static EmulatorDirectives parse(String text, AgentEmulator.Settings s) {
        long latency = s.latencyMillis();
        int chunkSize = s.chunkSize();
        int throttle = s.throttleFirstN();
        int internal = 0;
        boolean validation = s.failValidation();
        boolean accessDenied = false;
        boolean notFound = false;
        int streamError = s.midStreamErrorFirstN();
        String streamErrorType = "internalServerException";
        int drop = 0;
        boolean split = s.splitMultiByte();
        int answerBytes = 0;
        int steps = 1;
        long stepsOver = -1;
        Matcher m = DIRECTIVE.matcher(text == null ? "" : text);
        while (m.find()) {
            String value = m.group(2) == null ? "" : m.group(2).strip();
            switch (m.group(1)) {
                case "latency" -> latency = Long.parseLong(value);
                case "chunk-size" -> chunkSize = Integer.parseInt(value);
                case "throttle" -> throttle = value.isEmpty() ? Integer.MAX_VALUE : Integer.parseInt(value);
                case "internal-error" -> internal = value.isEmpty() ? Integer.MAX_VALUE : Integer.parseInt(value);
                case "validation" -> validation = true;
                case "access-denied" -> accessDenied = true;
                case "not-found" -> notFound = true;
                case "stream-error" -> streamError = value.isEmpty() ? Integer.MAX_VALUE : Integer.parseInt(value);
                case "stream-error-type" -> streamErrorType = value;
                case "drop" -> drop = value.isEmpty() ? Integer.MAX_VALUE : Integer.parseInt(value);
                case "split-utf8" -> split = true;
                case "answer-bytes" -> answerBytes = Integer.parseInt(value);
                case "steps" -> {
                    String[] parts = value.split(",");
                    steps = Integer.parseInt(parts[0].strip());
                    if (steps < 0 || steps > MAX_STEPS) {
                        throw new NumberFormatException("steps must be 0.." + MAX_STEPS + ": " + value);
                    }
                    for (int i = 1; i < parts.length; i++) {
                        String[] option = parts[i].split("=", 2);
                        if (option.length != 2 || !option[0].strip().equals("over")) {
                            throw new NumberFormatException("steps takes over=<duration> only: " + value);
                        }
                        stepsOver = millis(option[1]);
                    }
                }
                default -> { } // unknown directives are ignored
            }
        }
        return new EmulatorDirectives(latency, Math.max(1, chunkSize), throttle, internal, validation, accessDenied,
                notFound, streamError, streamErrorType, drop, split, answerBytes, steps, stepsOver);
    }

    /** {@code 10s}, {@code 1500ms}, {@code 2m} or plain milliseconds. */
    static long millis(String duration) {
        Matcher d = DURATION.matcher(duration.strip());
        if (!d.matches()) {
            throw new NumberFormatException("not a duration (10s, 1500ms, 2m): " + duration);
        }
        long n = Long.parseLong(d.group(1));
        String unit = d.group(2) == null ? "ms" : d.group(2);
        return switch (unit) {
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            default -> n;
        };
    }

    static String strip(String text) {
        return text == null ? "" : DIRECTIVE.matcher(text).replaceAll("");
    }
}
