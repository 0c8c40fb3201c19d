package gateway.idempotency;

import gateway.testing.MemoryIdempotencyStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import gateway.flow.FlowProperties;
import gateway.intake.IntakeRejection;
import gateway.json.Json;
import gateway.json.Timestamps;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Idempotency-Key policy over an in-memory store with the same compare-and-set contract as S3. */
class IdempotencyKeysTest {

    static final Instant NOW = Instant.parse("2025-08-13T06:30:00Z");

    final MemoryIdempotencyStore store = new MemoryIdempotencyStore();
    Instant now = NOW;
    final IdempotencyKeys keys = new IdempotencyKeys(store, Duration.ofHours(24), Duration.ofSeconds(60),
            new Clock() {
                @Override
                public java.time.ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return now;
                }
            });

    Exchange request(String caller, String key, String body) throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(FlowProperties.CALLER, caller);
        exchange.setProperty("tracking_id", "t-" + store.seq.incrementAndGet());
        exchange.setProperty("queued_at", Timestamps.format(now));
        if (key != null) {
            exchange.getMessage().setHeader(IdempotencyKeys.HEADER, key);
        }
        exchange.getMessage().setBody(Json.MAPPER.readTree(body));
        return exchange;
    }

    Exchange queued(String caller, String key, String body) throws Exception {
        Exchange first = request(caller, key, body);
        keys.claim(first);
        assertThat(first.getProperty(IdempotencyKeys.REPLAYED)).isNull();
        keys.remember(first);
        return first;
    }

    @Test
    void noHeaderNoStore() throws Exception {
        keys.claim(request("crm", null, "{}"));
        assertThat(store.objects).isEmpty();
    }

    @Test
    void aRepeatGetsTheFirstTrackingIdAndQueuedAt() throws Exception {
        Exchange first = queued("crm", "k1", "{\"a\":1}");
        now = now.plusSeconds(3600);
        Exchange repeat = request("crm", "k1", "{ \"a\" : 1 }");
        keys.claim(repeat);
        assertThat(repeat.getProperty(IdempotencyKeys.REPLAYED, Boolean.class)).isTrue();
        assertThat(repeat.getProperty("tracking_id")).isEqualTo(first.getProperty("tracking_id"));
        assertThat(repeat.getProperty("queued_at")).isEqualTo(first.getProperty("queued_at"));
    }

    @Test
    void anotherBodyIs409AndAnotherCallerHasItsOwnKeys() throws Exception {
        queued("crm", "k1", "{\"a\":1}");
        assertThatThrownBy(() -> keys.claim(request("crm", "k1", "{\"a\":2}")))
                .isInstanceOfSatisfying(IntakeRejection.class, e -> assertThat(e.status()).isEqualTo(409))
                .hasMessage("Idempotency-Key already used with a different request body");
        Exchange other = request("zapier", "k1", "{\"a\":2}");
        keys.claim(other);
        assertThat(other.getProperty(IdempotencyKeys.REPLAYED)).isNull();
    }

    @Test
    void aClaimStillBeingQueuedIs409RetryShortly() throws Exception {
        keys.claim(request("crm", "k1", "{}"));
        assertThatThrownBy(() -> keys.claim(request("crm", "k1", "{}")))
                .isInstanceOfSatisfying(IntakeRejection.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.headers()).containsEntry("Retry-After", "1");
                });
    }

    @Test
    void afterTheTtlTheKeyIsNew() throws Exception {
        queued("crm", "k1", "{\"a\":1}");
        now = now.plus(Duration.ofHours(24)).plusSeconds(1);
        Exchange later = request("crm", "k1", "{\"a\":2}");
        keys.claim(later);
        assertThat(later.getProperty(IdempotencyKeys.REPLAYED)).isNull();
        keys.remember(later);
        Exchange repeat = request("crm", "k1", "{\"a\":2}");
        keys.claim(repeat);
        assertThat(repeat.getProperty("tracking_id")).isEqualTo(later.getProperty("tracking_id"));
    }

    @Test
    void anAbandonedClaimIsTakenOver() throws Exception {
        keys.claim(request("crm", "k1", "{}")); // never remembered nor released: the replica died
        now = now.plusSeconds(61);
        Exchange retry = request("crm", "k1", "{}");
        keys.claim(retry);
        assertThat(retry.getProperty(IdempotencyKeys.REPLAYED)).isNull();
    }

    @Test
    void releaseGivesTheKeyBack() throws Exception {
        Exchange failed = request("crm", "k1", "{}");
        keys.claim(failed);
        keys.release(failed);
        assertThat(store.objects).isEmpty();
        Exchange retry = request("crm", "k1", "{}");
        keys.claim(retry);
        assertThat(retry.getProperty(IdempotencyKeys.REPLAYED)).isNull();
        keys.remember(retry);
        keys.release(retry); // after remember: nothing to release
        assertThat(store.objects).hasSize(1);
    }

    @Test
    void malformedKeysAre400() throws Exception {
        for (String key : new String[] {"", " ", "a b", "k\u00e9", "x".repeat(256), "tab\tkey"}) {
            assertThatThrownBy(() -> keys.claim(request("crm", key, "{}"))).as(key)
                    .isInstanceOfSatisfying(IntakeRejection.class, e -> assertThat(e.status()).isEqualTo(400))
                    .hasMessageStartingWith("Invalid Idempotency-Key");
        }
        assertThat(store.objects).isEmpty();
    }

    @Test
    void storeOutageIsUnavailableNotAnotherError() throws Exception {
        store.down = true;
        assertThatThrownBy(() -> keys.claim(request("crm", "k1", "{}"))).isInstanceOf(IdempotencyStoreUnavailable.class);
    }

    @Test
    void aFailureToRememberIsLoggedNotThrown() throws Exception {
        Exchange first = request("crm", "k1", "{}");
        keys.claim(first);
        store.down = true;
        keys.remember(first);
    }
}
