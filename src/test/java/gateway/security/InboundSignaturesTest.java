package gateway.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import gateway.delivery.WebhookSigner;
import gateway.security.InboundSignatures.Result;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InboundSignaturesTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final Instant NOW = Instant.parse("2025-08-13T06:30:00Z");
    static final String BODY = "{\"query\":\"q\"}";

    final AtomicLong ticks = new AtomicLong();
    final InboundSignatures signatures = new InboundSignatures(SECRET, "signed", Duration.ofMinutes(5),
            Clock.fixed(NOW, ZoneOffset.UTC), ticks::get, 1000, null);
    final WebhookSigner sender = new WebhookSigner(SECRET);

    Result check(String id, long ts, String body, String signature) {
        return signatures.check(id, Long.toString(ts), body, signature);
    }

    @Test
    void goodBadStaleAndReplayed() {
        long ts = NOW.getEpochSecond();
        assertThat(check("msg_1", ts, BODY, sender.sign("msg_1", ts, BODY))).isEqualTo(Result.VALID);
        assertThat(check("msg_1", ts, BODY, sender.sign("msg_1", ts, BODY))).isEqualTo(Result.REPLAYED);
        assertThat(check("msg_2", ts, BODY + " ", sender.sign("msg_2", ts, BODY))).isEqualTo(Result.BAD_SIGNATURE);
        assertThat(check("msg_3", ts, BODY, new WebhookSigner(WebhookSigner.generateSecret()).sign("msg_3", ts, BODY)))
                .isEqualTo(Result.BAD_SIGNATURE);
        long stale = ts - 301;
        assertThat(check("msg_4", stale, BODY, sender.sign("msg_4", stale, BODY))).isEqualTo(Result.STALE);
        assertThat(signatures.check("msg_5", null, BODY, "v1,x")).isEqualTo(Result.MISSING_HEADER);
        assertThat(check("msg.6", ts, BODY, "v1,AAAA")).isEqualTo(Result.BAD_SIGNATURE);
        assertThat(check("x".repeat(300), ts, BODY, "v1,AAAA")).isEqualTo(Result.BAD_SIGNATURE);
    }

    @Test
    void aBadSignatureDoesNotBurnTheId() {
        long ts = NOW.getEpochSecond();
        assertThat(check("msg_7", ts, BODY, "v1,AAAA")).isEqualTo(Result.BAD_SIGNATURE);
        assertThat(check("msg_7", ts, BODY, sender.sign("msg_7", ts, BODY))).isEqualTo(Result.VALID);
    }

    @Test
    void forgottenIdsAndIdsOlderThanTheWindowPassAgain() {
        long ts = NOW.getEpochSecond();
        String signature = sender.sign("msg_8", ts, BODY);
        assertThat(check("msg_8", ts, BODY, signature)).isEqualTo(Result.VALID);
        signatures.forget("msg_8");
        assertThat(check("msg_8", ts, BODY, signature)).isEqualTo(Result.VALID);
        ticks.addAndGet(TimeUnit.MINUTES.toNanos(9));
        assertThat(check("msg_8", ts, BODY, signature)).as("still inside 2 x tolerance").isEqualTo(Result.REPLAYED);
        ticks.addAndGet(TimeUnit.MINUTES.toNanos(2));
        assertThat(check("msg_8", ts, BODY, signature)).isEqualTo(Result.VALID);
    }
}
