package gateway.testing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import gateway.local.LocalReceiver;

/**
 * Checks a delivery's Standard Webhooks signature with the JDK's HMAC alone (not the gateway's WebhookSigner): the
 * {@code webhook-signature} header must hold {@code v1,<base64 HMAC-SHA256(secret, id.timestamp.body)>} for the
 * given secret, and the timestamp must be within five minutes.
 */
public final class IndependentVerifier {

    private IndependentVerifier() {
    }

    public static boolean signedWith(LocalReceiver.Delivery delivery, String secret) {
        try {
            byte[] key = Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            String signed = delivery.header("webhook-id") + "." + delivery.header("webhook-timestamp") + "." + delivery.body();
            String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
            long age = Math.abs(Instant.now().getEpochSecond() - Long.parseLong(delivery.header("webhook-timestamp")));
            String header = delivery.header("webhook-signature");
            return header != null && List.of(header.split(" ")).contains(expected) && age < 300;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
