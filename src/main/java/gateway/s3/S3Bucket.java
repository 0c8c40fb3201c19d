package gateway.s3;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where the gateway keeps its objects: the client, the bucket, a key prefix ({@code S3_PREFIX}, empty or
 * ending in {@code /}), and whether the store arbitrates concurrent writers with conditional writes
 * ({@code If-None-Match: *} / {@code If-Match} on PutObject: AWS S3 and most S3-compatible stores do;
 * the embedded S3Proxy does not).
 */
public record S3Bucket(S3Client client, String name, String prefix, boolean conditionalWrites) {

    public S3Bucket {
        prefix = normalisePrefix(prefix);
    }

    /** The object key for {@code path} under this gateway's prefix. */
    public String key(String path) {
        return prefix + path;
    }

    static String normalisePrefix(String prefix) {
        if (prefix == null) {
            return "";
        }
        String trimmed = prefix.trim();
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        return trimmed.isEmpty() || trimmed.endsWith("/") ? trimmed : trimmed + "/";
    }
}
