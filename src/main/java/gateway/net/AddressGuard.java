package gateway.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The SSRF guard of outbound deliveries: which addresses a delivery may connect to. Refused are the ranges that
 * lead into the gateway's own host or network rather than to a receiver on the internet: loopback, unspecified,
 * private (RFC 1918), CGNAT, link-local (the cloud metadata service 169.254.169.254), multicast, broadcast,
 * reserved, documentation and benchmarking ranges, and their IPv6 counterparts (::1, fc00::/7, fe80::/10, ...).
 * IPv6 forms that carry an IPv4 address (IPv4-mapped, -compatible, -translated, NAT64, 6to4) are judged by the
 * IPv4 address they carry, so {@code ::ffff:127.0.0.1} is loopback. Teredo (2001::/32) is refused outright: the
 * host it reaches is decided by a relay and hidden in an obfuscated field.
 * <p>
 * {@code allowPrivate} turns the guard off (the local profile: its receiver is on loopback); {@code allowed}
 * ranges are exceptions to every refusal (an internal receiver). Immutable, so one instance serves every thread.
 */
public final class AddressGuard {

    /** One refused range, with the reason a refusal names. */
    private record Range(Cidr cidr, String reason) {
        static Range of(String cidr, String reason) {
            return new Range(Cidr.parse(cidr), reason);
        }
    }

    // broadcast before 240.0.0.0/4, which holds it: the narrower name is the more useful one
    private static final List<Range> IPV4 = List.of(
            Range.of("0.0.0.0/8", "unspecified (0.0.0.0/8)"),
            Range.of("127.0.0.0/8", "loopback (127.0.0.0/8)"),
            Range.of("10.0.0.0/8", "private (RFC 1918, 10.0.0.0/8)"),
            Range.of("172.16.0.0/12", "private (RFC 1918, 172.16.0.0/12)"),
            Range.of("192.168.0.0/16", "private (RFC 1918, 192.168.0.0/16)"),
            Range.of("100.64.0.0/10", "CGNAT (100.64.0.0/10)"),
            Range.of("169.254.0.0/16", "link-local (169.254.0.0/16)"),
            Range.of("192.0.0.0/24", "IETF protocol assignments (192.0.0.0/24)"),
            Range.of("192.0.2.0/24", "documentation (192.0.2.0/24)"),
            Range.of("192.88.99.0/24", "6to4 relay anycast (192.88.99.0/24)"),
            Range.of("198.18.0.0/15", "benchmarking (198.18.0.0/15)"),
            Range.of("198.51.100.0/24", "documentation (198.51.100.0/24)"),
            Range.of("203.0.113.0/24", "documentation (203.0.113.0/24)"),
            Range.of("224.0.0.0/4", "multicast (224.0.0.0/4)"),
            Range.of("255.255.255.255/32", "broadcast (255.255.255.255)"),
            Range.of("240.0.0.0/4", "reserved (240.0.0.0/4)"));

    private static final List<Range> IPV6 = List.of(
            Range.of("::/128", "unspecified (::)"),
            Range.of("::1/128", "loopback (::1)"),
            Range.of("64:ff9b:1::/48", "NAT64 local-use (64:ff9b:1::/48)"),
            Range.of("100::/64", "discard (100::/64)"),
            Range.of("2001::/32", "Teredo (2001::/32)"),
            Range.of("2001:2::/48", "benchmarking (2001:2::/48)"),
            Range.of("2001:db8::/32", "documentation (2001:db8::/32)"),
            Range.of("fc00::/7", "unique local (fc00::/7)"),
            Range.of("fe80::/10", "link-local (fe80::/10)"),
            Range.of("fec0::/10", "site-local (fec0::/10)"),
            Range.of("ff00::/8", "multicast (ff00::/8)"));

    /** IPv6 forms that carry an IPv4 address in their last 32 bits (6to4 carries it in bits 16-47). */
    private static final Cidr MAPPED = Cidr.parse("::ffff:0:0/96");
    private static final Cidr TRANSLATED = Cidr.parse("::ffff:0:0:0/96");
    private static final Cidr COMPATIBLE = Cidr.parse("::/96");
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");
    /** The only IPv6 space allocated for global unicast; anything else left over is reserved. */
    private static final Cidr GLOBAL_UNICAST = Cidr.parse("2000::/3");

    /** A numeric IPv4 spelling some parsers read as octal or hex (a part with a leading 0): {@code 0177.0.0.1}. */
    private static final Pattern AMBIGUOUS_IPV4 = Pattern.compile("(?i)(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+)){0,3}");

    private final boolean allowPrivate;
    private final List<Cidr> allowed;

    public AddressGuard(boolean allowPrivate, List<Cidr> allowed) {
        this.allowPrivate = allowPrivate;
        this.allowed = List.copyOf(allowed);
    }

    /**
     * The guard of the settings {@code WEBHOOK_ALLOW_PRIVATE_TARGETS} and {@code WEBHOOK_ALLOWED_CIDRS} (CIDRs or
     * bare addresses, comma or space separated; blank for none).
     *
     * @throws IllegalArgumentException naming the entry and the setting when one is not a CIDR
     */
    public static AddressGuard of(boolean allowPrivate, String allowedCidrsSetting) {
        List<Cidr> cidrs = new ArrayList<>();
        String setting = allowedCidrsSetting == null ? "" : allowedCidrsSetting.strip();
        if (!setting.isEmpty()) {
            for (String entry : setting.split("[,\\s]+")) {
                if (entry.isEmpty()) {
                    continue;
                }
                try {
                    cidrs.add(Cidr.parse(entry));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("WEBHOOK_ALLOWED_CIDRS: '" + entry
                            + "' is not a CIDR or IP address (e.g. 10.0.0.0/8, fd00::/8, 10.1.2.3)", e);
                }
            }
        }
        return new AddressGuard(allowPrivate, cidrs);
    }

    /** Empty when a connection to {@code address} may go ahead; else which range it is in, e.g. "loopback (::1)". */
    public Optional<String> refusal(InetAddress address) {
        if (allowPrivate) {
            return Optional.empty();
        }
        for (Cidr cidr : allowed) {
            if (cidr.contains(address)) {
                return Optional.empty();
            }
        }
        return blockedRange(address);
    }

    /** The refused range {@code address} is in, whatever the exceptions: what the guard would say with none. */
    public static Optional<String> blockedRange(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address || bytes.length == 4) {
            return ipv4Range(bytes);
        }
        for (Range range : IPV6) {
            if (range.cidr().contains(address)) {
                return Optional.of(range.reason());
            }
        }
        // Java makes ::ffff:a.b.c.d an Inet4Address by itself; an Inet6Address of that form can still be built
        if (isMapped(bytes)) {
            return embedded("IPv4-mapped", bytes, 12);
        }
        if (TRANSLATED.contains(address)) {
            return embedded("IPv4-translated", bytes, 12);
        }
        if (COMPATIBLE.contains(address)) {
            return embedded("IPv4-compatible", bytes, 12);
        }
        if (NAT64.contains(address)) {
            return embedded("NAT64", bytes, 12);
        }
        if (SIX_TO_FOUR.contains(address)) {
            return embedded("6to4", bytes, 2);
        }
        if (!GLOBAL_UNICAST.contains(address)) {
            return Optional.of("reserved (outside 2000::/3)");
        }
        return Optional.empty();
    }

    /**
     * Refuses a connection to {@code address}; {@code hostForMessage} (the URL's host, may be null) goes into the
     * message beside the address.
     */
    public void check(InetAddress address, String hostForMessage) throws BlockedAddressException {
        Optional<String> refusal = refusal(address);
        if (refusal.isPresent()) {
            throw new BlockedAddressException(hostForMessage, address, refusal.get());
        }
    }

    /**
     * Refuses a connection to {@code endpoint}. An unresolved endpoint (a name a proxy would resolve) cannot be
     * judged, so it is refused unless the guard is off.
     */
    public void check(InetSocketAddress endpoint, String hostForMessage) throws BlockedAddressException {
        InetAddress address = endpoint.getAddress();
        if (address == null) {
            if (!allowPrivate) {
                throw new BlockedAddressException(hostForMessage == null ? endpoint.getHostString() : hostForMessage, null,
                        "unresolved (the address it connects to cannot be checked)");
            }
            return;
        }
        check(address, hostForMessage == null ? endpoint.getHostString() : hostForMessage);
    }

    /**
     * The intake's check of a callback URL's host: resolves it (as the delivery's connection will) and refuses it
     * when any of its addresses is refused; a numeric spelling that parsers disagree on ({@code 0177.0.0.1}:
     * octal 127.0.0.1 to some, decimal 177.0.0.1 to Java) is refused before any lookup. The delivery's connection
     * is checked again when it connects: DNS may answer differently by then.
     *
     * @throws UnknownHostException when the host does not resolve
     */
    public void checkHost(String host) throws BlockedAddressException, UnknownHostException {
        String h = host == null ? "" : host.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.isEmpty()) {
            throw new UnknownHostException("no host");
        }
        if (!allowPrivate && isAmbiguousIpv4(h)) {
            throw new BlockedAddressException(host, null, "an ambiguous IPv4 literal (a leading 0 or 0x: octal or hex "
                    + "to some parsers, decimal to others)");
        }
        for (InetAddress address : InetAddress.getAllByName(h)) {
            check(address, host);
        }
    }

    public boolean allowsPrivate() {
        return allowPrivate;
    }

    /** The exceptions (WEBHOOK_ALLOWED_CIDRS), in the order given. */
    public List<Cidr> allowed() {
        return allowed;
    }

    @Override
    public String toString() {
        return "AddressGuard[allowPrivateTargets=" + allowPrivate + ", allowedCidrs=" + allowed + "]";
    }

    static boolean isMapped(byte[] bytes) {
        if (bytes.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    private static Optional<String> ipv4Range(byte[] bytes) {
        InetAddress v4 = ipv4(bytes);
        for (Range range : IPV4) {
            if (range.cidr().contains(v4)) {
                return Optional.of(range.reason());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> embedded(String form, byte[] bytes, int offset) {
        return ipv4Range(Arrays.copyOfRange(bytes, offset, offset + 4)).map(range -> form + " " + range);
    }

    private static InetAddress ipv4(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are an IPv4 address", e);
        }
    }

    /** Numeric-looking (digits, dots, 0x) with a part that starts with 0 and goes on: its meaning depends on the parser. */
    private static boolean isAmbiguousIpv4(String host) {
        if (!AMBIGUOUS_IPV4.matcher(host).matches()) {
            return false;
        }
        for (String part : host.split("\\.")) {
            if (part.length() > 1 && part.charAt(0) == '0') {
                return true;
            }
        }
        return false;
    }
}
