package gateway.endpoints;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import gateway.s3.S3Bucket;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Delivery messages kept per endpoint in S3, in the order their answers were made: {@code <S3_PREFIX><folder><endpoint
 * key>/<answered at, µs since the epoch, 16 digits>_<webhook-id>.json} (the precision of {@code answered_at}). S3 lists keys in that order, so the oldest come first and a
 * message put twice (a crash, a recover run twice) is one entry. Two lanes: {@code parked/} (deliveries held while their
 * endpoint is paused, released in order) and {@code undelivered/} (a copy of each dead-lettered delivery, what a
 * recover sends again). A message is the delivery message as the deliveries queue carried it.
 */
public class DeliveryLane {

    public static final String PARKED = "parked/";
    public static final String UNDELIVERED = "undelivered/";

    /** An entry as listed: its full key, its order key (what follows the endpoint) and when it was stored. */
    public record Entry(String key, String orderKey, Instant storedAt) {
    }

    private final S3Client s3;
    private final S3Bucket bucket;
    private final String folder;

    public DeliveryLane(S3Bucket bucket, String folder) {
        this.s3 = bucket.client();
        this.bucket = bucket;
        this.folder = folder;
    }

    /** The order key of a delivery: its answer's time, then its webhook-id (unique per delivery). */
    public static String orderKey(Instant answeredAt, String webhookId) {
        return String.format("%s_%s.json", micros(answeredAt), webhookId.replaceAll("[^A-Za-z0-9_.-]", "-"));
    }

    /** The order key that sorts before every delivery answered at or after {@code since}. */
    public static String startOf(Instant since) {
        return micros(since);
    }

    private static String micros(Instant at) {
        long micros = at == null ? 0 : Math.max(0, at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000);
        return String.format("%016d", micros);
    }

    /** Stores (or replaces) the message of one delivery. */
    public void put(EndpointRef endpoint, String orderKey, String message) {
        String key = prefix(endpoint) + orderKey;
        call("write", () -> s3.putObject(r -> r.bucket(bucket.name()).key(key).contentType("application/json"),
                RequestBody.fromString(message)));
    }

    /** Up to {@code max} entries of the endpoint, oldest first, after {@code startAfter} (an order key; null: from the start). */
    public List<Entry> list(EndpointRef endpoint, String startAfter, int max) {
        String prefix = prefix(endpoint);
        ListObjectsV2Response page = call("list", () -> s3.listObjectsV2(r -> {
            r.bucket(bucket.name()).prefix(prefix).maxKeys(Math.max(1, Math.min(1000, max)));
            if (startAfter != null) {
                r.startAfter(prefix + startAfter);
            }
        }));
        List<Entry> entries = new ArrayList<>();
        for (S3Object object : page.contents()) {
            entries.add(new Entry(object.key(), object.key().substring(prefix.length()), object.lastModified()));
        }
        return entries;
    }

    /** How many entries the endpoint has, counted up to {@code cap} (a page of 1,000 a call). */
    public long count(EndpointRef endpoint, long cap) {
        String prefix = prefix(endpoint);
        long count = 0;
        String token = null;
        do {
            String next = token;
            ListObjectsV2Response page = call("list", () -> s3.listObjectsV2(r -> {
                r.bucket(bucket.name()).prefix(prefix);
                if (next != null) {
                    r.continuationToken(next);
                }
            }));
            count += page.keyCount() == null ? page.contents().size() : page.keyCount();
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null && count < cap);
        return count;
    }

    /** The message of an entry; empty when it is gone (released or removed meanwhile). */
    public Optional<String> read(String key) {
        try {
            return Optional.of(call("read", () -> s3.getObjectAsBytes(r -> r.bucket(bucket.name()).key(key)).asUtf8String()));
        } catch (EndpointStoreUnavailable e) {
            if (e.getCause() instanceof NoSuchKeyException
                    || (e.getCause() instanceof S3Exception s3e && (s3e.statusCode() == 404 || s3e.statusCode() == 403))) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public void remove(String key) {
        call("delete", () -> s3.deleteObject(r -> r.bucket(bucket.name()).key(key)));
    }

    /** The endpoints with at least one entry (one call per 1,000 endpoints). */
    public List<EndpointRef> endpoints() {
        String root = bucket.key(folder);
        List<EndpointRef> endpoints = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            ListObjectsV2Response page = call("list", () -> s3.listObjectsV2(r -> {
                r.bucket(bucket.name()).prefix(root).delimiter("/");
                if (next != null) {
                    r.continuationToken(next);
                }
            }));
            for (CommonPrefix common : page.commonPrefixes()) {
                String segment = common.prefix().substring(root.length(), common.prefix().length() - 1);
                EndpointRef.fromKey(segment).ifPresent(endpoints::add);
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return endpoints;
    }

    private String prefix(EndpointRef endpoint) {
        return bucket.key(folder + endpoint.key() + "/");
    }

    private interface Call<T> {
        T run();
    }

    private <T> T call(String what, Call<T> call) {
        try {
            return call.run();
        } catch (SdkException e) {
            String status = e instanceof S3Exception s3e ? " HTTP " + s3e.statusCode() : "";
            throw new EndpointStoreUnavailable("endpoint store: cannot " + what + " " + folder.replace("/", "")
                    + " deliveries (" + e.getClass().getSimpleName() + status + ")", e);
        }
    }
}
