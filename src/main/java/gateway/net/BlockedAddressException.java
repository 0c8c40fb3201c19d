package gateway.net;

import java.io.IOException;
import java.net.InetAddress;

/**
 * A connection the SSRF guard refused: the address is in a range deliveries may not reach (loopback, private,
 * link-local, ...). An {@link IOException} because it is thrown where a socket connects, inside Apache HttpClient,
 * which passes an IOException it does not know through unchanged; a delivery that meets it is permanent (the
 * address will not change by waiting), see {@code DeliveryOutcome}.
 */
public class BlockedAddressException extends IOException {

    /** The reason a refused delivery carries to its DLQ entry and attempt log. */
    public static final String REASON = "blocked_address";

    private static final String HOW_TO_ALLOW = "set WEBHOOK_ALLOW_PRIVATE_TARGETS or WEBHOOK_ALLOWED_CIDRS to allow it";

    private final String host;
    private final transient InetAddress address;
    private final String range;

    /**
     * {@code host} as the URL named it (may be null: then the address alone is named), {@code address} what it
     * resolved to (null when the host itself was refused, e.g. an ambiguous literal), {@code range} the short
     * reason ({@code "loopback (127.0.0.0/8)"}).
     */
    public BlockedAddressException(String host, InetAddress address, String range) {
        super(REASON + ": " + subject(host, address) + " is " + range + " (" + HOW_TO_ALLOW + ")");
        this.host = host;
        this.address = address;
        this.range = range;
    }

    /** The host as the URL named it, or null. */
    public String host() {
        return host;
    }

    /** The refused address, or null when the host's spelling was refused before any lookup. */
    public InetAddress address() {
        return address;
    }

    /** Which range (or spelling) was refused, e.g. {@code "link-local (169.254.0.0/16)"}. */
    public String range() {
        return range;
    }

    private static String subject(String host, InetAddress address) {
        if (address == null) {
            return host;
        }
        String literal = address.getHostAddress();
        String h = host == null ? "" : host.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.isEmpty() || h.equalsIgnoreCase(literal) ? literal : sameLiteral(h, address) ? h : h + " (" + literal + ")";
    }

    /** Whether {@code host} is another spelling of the numeric {@code address} ("::1" for 0:0:0:0:0:0:0:1); no lookup. */
    private static boolean sameLiteral(String host, InetAddress address) {
        if (!host.contains(":") && !host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return false;
        }
        try {
            return InetAddress.getByName(host).equals(address);
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
