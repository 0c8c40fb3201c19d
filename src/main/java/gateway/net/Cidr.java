package gateway.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An address range, {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is the range of that one address
 * ({@code /32} or {@code /128}). An IPv4 range also contains the IPv4-mapped IPv6 form of its addresses
 * ({@code ::ffff:10.1.2.3}): it is the same host.
 */
public final class Cidr {

    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private Cidr(byte[] network, int prefixLength) {
        this.network = mask(network, prefixLength);
        this.prefixLength = prefixLength;
        this.text = literal(this.network) + "/" + prefixLength;
    }

    /**
     * Parses {@code address/prefix} or a bare address. Only numeric addresses: a host name here is refused, never
     * looked up (a range that depends on DNS would be no range at all).
     */
    public static Cidr parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty CIDR");
        }
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = numeric(address);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IP address or CIDR: " + text);
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (!p.matches("\\d{1,3}")) {
                throw new IllegalArgumentException("bad prefix length in CIDR: " + text);
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                throw new IllegalArgumentException("prefix length over " + max + " in CIDR: " + text);
            }
        }
        return new Cidr(bytes, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (network.length == 4 && bytes.length == 16 && AddressGuard.isMapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
        } else if (network.length == 16 && bytes.length == 4) {
            // Java's Inet4Address for ::ffff:a.b.c.d: an IPv6 range of mapped addresses holds it too
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            bytes = mapped;
        }
        return bytes.length == network.length && Arrays.equals(mask(bytes, prefixLength), network);
    }

    /** Whether this is an IPv4 range (which also holds the IPv4-mapped IPv6 forms of its addresses). */
    public boolean isIpv4() {
        return network.length == 4;
    }

    public int prefixLength() {
        return prefixLength;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixLength;
    }

    /** The range in canonical form, its network address masked: {@code 10.0.0.0/8}, {@code fd00:0:0:0:0:0:0:0/8}. */
    @Override
    public String toString() {
        return text;
    }

    private static byte[] mask(byte[] bytes, int prefixLength) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int bitsHere = Math.max(0, Math.min(8, prefixLength - i * 8));
            out[i] = (byte) (out[i] & (0xff00 >> bitsHere));
        }
        return out;
    }

    /**
     * The bytes of a numeric address in its plain spelling only (dotted quad, or IPv6 text, brackets allowed):
     * {@link InetAddress#getByName} parses a literal without any lookup, but it also takes a host name, so a
     * name is turned away first. IPv4-mapped IPv6 text stays 16 bytes ({@code ::ffff:10.0.0.0/104}).
     */
    private static byte[] numeric(String address) {
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        boolean ipv6 = a.contains(":");
        boolean ipv4 = a.matches("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
        if (!ipv6 && !ipv4) {
            return null;
        }
        if (ipv4) {
            for (String octet : a.split("\\.")) {
                if (Integer.parseInt(octet) > 255 || (octet.length() > 1 && octet.startsWith("0"))) {
                    return null;
                }
            }
        }
        if (ipv6 && (!a.matches("[0-9A-Fa-f:.]+") || a.contains("%"))) {
            return null;
        }
        try {
            byte[] bytes = InetAddress.getByName(a).getAddress();
            if (ipv6 && bytes.length == 4) {
                // Java turns ::ffff:a.b.c.d into an Inet4Address; as written it is an IPv6 range
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(bytes, 0, mapped, 12, 4);
                return mapped;
            }
            return bytes;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String literal(byte[] bytes) {
        try {
            return bytes.length == 4 ? Inet4Address.getByAddress(bytes).getHostAddress()
                    : Inet6Address.getByAddress(null, bytes, -1).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
