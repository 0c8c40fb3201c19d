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
 * </pre>
 * Calls are counted per session id (retrieveAndGenerate without a session: per question text).
 */
record EmulatorDirectives(long latencyMillis, int chunkSize, int throttleFirstN, int internalErrorFirstN,
                          boolean validation, boolean accessDenied, boolean notFound,
                          int streamErrorFirstN, String streamErrorType, int dropFirstN,
                          boolean splitMultiByte, int answerBytes) {

    static final Pattern DIRECTIVE = Pattern.compile("\\[emulator:([a-z0-9-]+)(?:=([^\\]]*))?]");

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
                default -> { } // unknown directives are ignored
            }
        }
        return new EmulatorDirectives(latency, Math.max(1, chunkSize), throttle, internal, validation, accessDenied,
                notFound, streamError, streamErrorType, drop, split, answerBytes);
    }

    static String strip(String text) {
        return text == null ? "" : DIRECTIVE.matcher(text).replaceAll("");
    }
}
