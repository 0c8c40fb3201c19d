package gateway.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import gateway.delivery.WebhookSigner;
import gateway.idempotency.IdempotencyStoreUnavailable;
import gateway.security.InboundSignatures.Result;
import gateway.testing.MemoryIdempotencyStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Two replicas (each its own memory) sharing the store of claims: a verified webhook-id is accepted once in all. */
class ReplayClaimsTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String BODY = "{\"query\":\"q\"}";
    static final Instant NOW = Instant.parse("2025-08-13T06:30:00Z");

    final MemoryIdempotencyStore store = new MemoryIdempotencyStore();
    final WebhookSigner sender = new WebhookSigner(SECRET);

    InboundSignatures replica(Clock clock) {
        ReplayClaims claims = new ReplayClaims(store, InboundSignatures.replayWindow(Duration.ofMinutes(5)), clock);
        AtomicLong ticks = new AtomicLong();
        return new InboundSignatures(SECRET, "signed", Duration.ofMinutes(5), clock, ticks::get, 1000, claims);
    }

    Result send(InboundSignatures to, String id, Instant at) {
        long ts = at.getEpochSecond();
        return to.check(id, Long.toString(ts), BODY, sender.sign(id, ts, BODY));
    }

    @Test
    void aVerifiedIdIsAcceptedByOneReplicaOnly() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        InboundSignatures a = replica(clock);
        InboundSignatures b = replica(clock);
        assertThat(send(a, "msg_1", NOW)).isEqualTo(Result.VALID);
        assertThat(send(b, "msg_1", NOW)).isEqualTo(Result.REPLAYED);
        assertThat(send(a, "msg_1", NOW)).isEqualTo(Result.REPLAYED);
        assertThat(send(b, "msg_2", NOW)).isEqualTo(Result.VALID);
        assertThat(send(a, "msg_2", NOW)).isEqualTo(Result.REPLAYED);
        // a bad signature claims nothing: only a holder of the secret can fill the store
        assertThat(b.check("msg_3", Long.toString(NOW.getEpochSecond()), BODY, "v1,AAAA")).isEqualTo(Result.BAD_SIGNATURE);
        assertThat(store.objects).hasSize(2);
        // nothing of the id itself is stored as a key: its hash
        assertThat(store.objects.keySet()).noneMatch(key -> key.contains("msg_"));
    }

    @Test
    void aReleasedIdMayBeSentAgainToAnyReplica() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        InboundSignatures a = replica(clock);
        InboundSignatures b = replica(clock);
        assertThat(send(a, "msg_503", NOW)).isEqualTo(Result.VALID);
        a.forget("msg_503"); // the request got 503: the sender retries with the same id
        assertThat(send(b, "msg_503", NOW)).isEqualTo(Result.VALID);
        assertThat(send(a, "msg_503", NOW)).isEqualTo(Result.REPLAYED);
    }

    @Test
    void aClaimOlderThanTheWindowIsTakenOver() {
        InboundSignatures then = replica(Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(send(then, "msg_old", NOW)).isEqualTo(Result.VALID);
        Instant later = NOW.plus(Duration.ofMinutes(11));
        InboundSignatures now = replica(Clock.fixed(later, ZoneOffset.UTC));
        assertThat(send(now, "msg_old", later)).as("the id sent anew, long after").isEqualTo(Result.VALID);
    }

    @Test
    void aStoreThatCannotBeUsedIsNoAcceptanceAndNoMemory() {
        InboundSignatures a = replica(Clock.fixed(NOW, ZoneOffset.UTC));
        store.down = true;
        assertThatThrownBy(() -> send(a, "msg_down", NOW)).isInstanceOf(IdempotencyStoreUnavailable.class);
        store.down = false;
        assertThat(send(a, "msg_down", NOW)).as("the retry once the store is back").isEqualTo(Result.VALID);
    }
}
