package gateway.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs (and verifies) webhooks per the Standard Webhooks specification
 * (https://www.standardwebhooks.com/, symmetric scheme):
 * {@code webhook-signature: v1,<base64(HMAC-SHA256(key, "<msgId>.<timestamp>.<body>"))>}.
 *
 * <p>Secrets are configured as one string of space-separated secrets, each {@code whsec_<base64>}
 * (or the bare base64); the HMAC key is the decoded bytes. With several secrets (key rotation) the
 * header carries one signature per secret, in the configured order. The specification asks for
 * 24 to 64 random bytes per key; {@link #generateSecret()} makes one of 32.
 *
 * <p>The keys never appear in {@link #toString()} or in exception messages. Immutable and
 * thread-safe (a {@link Mac} is created per call).
 */
public final class WebhookSigner {

    public static final String HEADER_ID = "webhook-id";
    public static final String HEADER_TIMESTAMP = "webhook-timestamp";
    public static final String HEADER_SIGNATURE = "webhook-signature";
    public static final String SECRET_PREFIX = "whsec_";
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private static final String ALGORITHM = "HmacSHA256";
    private static final String VERSION = "v1";

    /** Why a verification failed, or that it did not. */
    public enum Verification {
        VALID, MISSING_HEADER, BAD_TIMESTAMP, TIMESTAMP_OUT_OF_TOLERANCE, NO_MATCHING_SIGNATURE;

        public boolean isValid() {
            return this == VALID;
        }
    }

    private final List<byte[]> keys;
    private final Duration tolerance;
    private final Clock clock;

    /** Signer for the given space-separated secrets, verifying with a 5-minute tolerance. */
    public WebhookSigner(String secrets) {
        this(secrets, DEFAULT_TOLERANCE, Clock.systemUTC());
    }

    public WebhookSigner(String secrets, Duration tolerance, Clock clock) {
        this.keys = decodeSecrets(secrets);
        if (tolerance == null || tolerance.isNegative()) {
            throw new IllegalArgumentException("tolerance must be zero or positive");
        }
        this.tolerance = tolerance;
        this.clock = clock == null ? Clock.systemUTC() : clock;
    }

    /** A fresh random secret in the {@code whsec_<base64 of 32 bytes>} form (for dev setups). */
    public static String generateSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The {@code webhook-signature} header value: {@code v1,<sig>} per secret, space-separated. */
    public String sign(String msgId, long timestampSeconds, String body) {
        byte[] content = signedContent(msgId, timestampSeconds, body);
        StringBuilder header = new StringBuilder();
        for (byte[] key : keys) {
            if (header.length() > 0) {
                header.append(' ');
            }
            header.append(VERSION).append(',').append(Base64.getEncoder().encodeToString(hmac(key, content)));
        }
        return header.toString();
    }

    /** The three Standard Webhooks headers for one attempt, in their usual order. */
    public Map<String, String> headers(String msgId, long timestampSeconds, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(HEADER_ID, msgId);
        headers.put(HEADER_TIMESTAMP, Long.toString(timestampSeconds));
        headers.put(HEADER_SIGNATURE, sign(msgId, timestampSeconds, body));
        return headers;
    }

    /**
     * Verifies a received webhook from its header values and raw body. The timestamp must be
     * within the tolerance of this signer's clock, in either direction; signatures are compared in
     * constant time; signatures of other versions (e.g. {@code v1a}) are ignored.
     */
    public Verification check(String msgId, String timestampHeader, String body, String signatureHeader) {
        if (isBlank(msgId) || isBlank(timestampHeader) || isBlank(signatureHeader) || body == null) {
            return Verification.MISSING_HEADER;
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            return Verification.BAD_TIMESTAMP;
        }
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - timestamp) > tolerance.toSeconds()) {
            return Verification.TIMESTAMP_OUT_OF_TOLERANCE;
        }
        byte[] content = signedContent(msgId, timestamp, body);
        List<byte[]> expected = new ArrayList<>(keys.size());
        for (byte[] key : keys) {
            expected.add(hmac(key, content));
        }
        for (String entry : signatureHeader.trim().split("\\s+")) {
            int comma = entry.indexOf(',');
            if (comma < 0 || !VERSION.equals(entry.substring(0, comma))) {
                continue;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(entry.substring(comma + 1));
            } catch (IllegalArgumentException e) {
                continue;
            }
            for (byte[] mac : expected) {
                if (MessageDigest.isEqual(mac, given)) {
                    return Verification.VALID;
                }
            }
        }
        return Verification.NO_MATCHING_SIGNATURE;
    }

    @Override
    public String toString() {
        return "WebhookSigner[keys=" + keys.size() + ", tolerance=" + tolerance + "]";
    }

    private static byte[] signedContent(String msgId, long timestampSeconds, String body) {
        if (isBlank(msgId) || msgId.indexOf('.') >= 0) {
            // the id is part of the '.'-delimited signed content; a '.' would make it ambiguous
            throw new IllegalArgumentException("webhook id must be non-blank and contain no '.'");
        }
        if (body == null) {
            throw new IllegalArgumentException("body must not be null");
        }
        return (msgId + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hmac(byte[] key, byte[] content) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    }

    private static List<byte[]> decodeSecrets(String secrets) {
        if (isBlank(secrets)) {
            throw new IllegalArgumentException("no webhook signing secret configured");
        }
        List<byte[]> decoded = new ArrayList<>();
        String[] parts = secrets.trim().split("\\s+");
        for (int i = 0; i < parts.length; i++) {
            String encoded = parts[i].startsWith(SECRET_PREFIX) ? parts[i].substring(SECRET_PREFIX.length()) : parts[i];
            byte[] key;
            try {
                key = Base64.getDecoder().decode(encoded);
            } catch (IllegalArgumentException e) {
                // deliberately no cause and no value: the message must not leak the secret
                throw new IllegalArgumentException("webhook signing secret #" + (i + 1) + " of " + parts.length
                        + " is not whsec_<base64> nor base64");
            }
            if (key.length == 0) {
                throw new IllegalArgumentException("webhook signing secret #" + (i + 1) + " of " + parts.length + " is empty");
            }
            decoded.add(key);
        }
        return List.copyOf(decoded);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
