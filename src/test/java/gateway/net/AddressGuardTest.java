package gateway.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressGuardTest {

    static final AddressGuard GUARD = new AddressGuard(false, List.of());

    /** A numeric address, parsed without any lookup. */
    static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    /** An Inet6Address as the bytes are, even for ::ffff:a.b.c.d (which InetAddress.getByName turns into IPv4). */
    static InetAddress ipv6Bytes(String literal) throws UnknownHostException {
        byte[] v4 = ip(literal).getAddress();
        byte[] bytes = v4;
        if (v4.length == 4) {
            bytes = new byte[16];
            bytes[10] = (byte) 0xff;
            bytes[11] = (byte) 0xff;
            System.arraycopy(v4, 0, bytes, 12, 4);
        }
        return Inet6Address.getByAddress(null, bytes, -1);
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', value = {
            // IPv4
            "127.0.0.1 | loopback (127.0.0.0/8)",
            "127.255.255.254 | loopback (127.0.0.0/8)",
            "0.0.0.0 | unspecified (0.0.0.0/8)",
            "0.1.2.3 | unspecified (0.0.0.0/8)",
            "10.0.0.1 | private (RFC 1918, 10.0.0.0/8)",
            "10.255.255.255 | private (RFC 1918, 10.0.0.0/8)",
            "172.16.0.1 | private (RFC 1918, 172.16.0.0/12)",
            "172.31.255.255 | private (RFC 1918, 172.16.0.0/12)",
            "192.168.1.1 | private (RFC 1918, 192.168.0.0/16)",
            "169.254.169.254 | link-local (169.254.0.0/16)",
            "169.254.0.1 | link-local (169.254.0.0/16)",
            "100.64.0.1 | CGNAT (100.64.0.0/10)",
            "100.127.255.255 | CGNAT (100.64.0.0/10)",
            "224.0.0.1 | multicast (224.0.0.0/4)",
            "239.255.255.250 | multicast (224.0.0.0/4)",
            "240.0.0.1 | reserved (240.0.0.0/4)",
            "255.255.255.254 | reserved (240.0.0.0/4)",
            "255.255.255.255 | broadcast (255.255.255.255)",
            "192.0.0.8 | IETF protocol assignments (192.0.0.0/24)",
            "192.0.2.10 | documentation (192.0.2.0/24)",
            "198.18.0.1 | benchmarking (198.18.0.0/15)",
            "198.19.255.255 | benchmarking (198.18.0.0/15)",
            "198.51.100.7 | documentation (198.51.100.0/24)",
            "203.0.113.9 | documentation (203.0.113.0/24)",
            "192.88.99.1 | 6to4 relay anycast (192.88.99.0/24)",
            // IPv6
            "::1 | loopback (::1)",
            ":: | unspecified (::)",
            "fc00::1 | unique local (fc00::/7)",
            "fd12:3456:789a::1 | unique local (fc00::/7)",
            "fe80::1 | link-local (fe80::/10)",
            "febf:ffff::1 | link-local (fe80::/10)",
            "fec0::1 | site-local (fec0::/10)",
            "ff02::1 | multicast (ff00::/8)",
            "ff0e::101 | multicast (ff00::/8)",
            "2001:db8::1 | documentation (2001:db8::/32)",
            "100::1 | discard (100::/64)",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2 | Teredo (2001::/32)",
            "2001:2::1 | benchmarking (2001:2::/48)",
            "64:ff9b:1::a00:1 | NAT64 local-use (64:ff9b:1::/48)",
            "4000::1 | reserved (outside 2000::/3)",
            "::2:0:0:1 | reserved (outside 2000::/3)",
            // IPv6 forms carrying an IPv4 address: judged by that address
            "::ffff:127.0.0.1 | loopback (127.0.0.0/8)",
            "::ffff:7f00:1 | loopback (127.0.0.0/8)",
            "::ffff:169.254.169.254 | link-local (169.254.0.0/16)",
            "::127.0.0.1 | IPv4-compatible loopback (127.0.0.0/8)",
            "::10.0.0.1 | IPv4-compatible private (RFC 1918, 10.0.0.0/8)",
            "::ffff:0:10.1.2.3 | IPv4-translated private (RFC 1918, 10.0.0.0/8)",
            "64:ff9b::127.0.0.1 | NAT64 loopback (127.0.0.0/8)",
            "64:ff9b::a9fe:a9fe | NAT64 link-local (169.254.0.0/16)",
            "64:ff9b::c0a8:101 | NAT64 private (RFC 1918, 192.168.0.0/16)",
            "2002:7f00:1::1 | 6to4 loopback (127.0.0.0/8)",
            "2002:a9fe:a9fe::1 | 6to4 link-local (169.254.0.0/16)",
            "2002:c0a8:101:1::1 | 6to4 private (RFC 1918, 192.168.0.0/16)",
    })
    void refusesEveryRangeThatLeadsInsideByDefault(String literal, String reason) throws Exception {
        InetAddress address = ip(literal);
        assertThat(GUARD.refusal(address)).hasValue(reason);
        assertThatThrownBy(() -> GUARD.check(address, literal))
                .isInstanceOf(BlockedAddressException.class)
                .hasMessageStartingWith("blocked_address: ")
                .hasMessageContaining(" is " + reason)
                .hasMessageEndingWith("(set WEBHOOK_ALLOW_PRIVATE_TARGETS or WEBHOOK_ALLOWED_CIDRS to allow it)");
    }

    @Test
    void javaMakesAnIpv4MappedLiteralAnIpv4AddressAndTheInet6FormIsRefusedAsWell() throws Exception {
        assertThat(ip("::ffff:127.0.0.1")).isInstanceOf(Inet4Address.class);
        InetAddress mapped = ipv6Bytes("::ffff:127.0.0.1");
        assertThat(mapped).isInstanceOf(Inet6Address.class);
        assertThat(GUARD.refusal(mapped)).hasValue("IPv4-mapped loopback (127.0.0.0/8)");
        assertThat(GUARD.refusal(ipv6Bytes("::ffff:10.1.2.3"))).hasValue("IPv4-mapped private (RFC 1918, 10.0.0.0/8)");
        assertThat(GUARD.refusal(ipv6Bytes("::ffff:169.254.169.254"))).hasValue("IPv4-mapped link-local (169.254.0.0/16)");
        assertThat(GUARD.refusal(ipv6Bytes("::ffff:8.8.8.8"))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "93.184.215.14", "172.32.0.1", "100.128.0.1", "192.169.0.1",
            "177.0.0.1", "2606:4700::1111", "2001:4860:4860::8888", "2a00:1450:4001::1",
            // carrying a public IPv4 address: as public as it
            "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"})
    void letsPublicAddressesThrough(String literal) throws Exception {
        assertThat(GUARD.refusal(ip(literal))).isEmpty();
        assertThatCode(() -> GUARD.check(ip(literal), literal)).doesNotThrowAnyException();
    }

    @Test
    void allowedRangesAreExceptionsToEveryRefusalAndNoMore() throws Exception {
        AddressGuard guard = AddressGuard.of(false, "10.20.0.0/16, 127.0.0.1 fd00:1::/64,169.254.169.254/32");
        assertThat(guard.refusal(ip("10.20.3.4"))).isEmpty();
        assertThat(guard.refusal(ip("10.21.0.1"))).hasValue("private (RFC 1918, 10.0.0.0/8)");
        assertThat(guard.refusal(ip("127.0.0.1"))).isEmpty();
        assertThat(guard.refusal(ip("127.0.0.2"))).hasValue("loopback (127.0.0.0/8)");
        assertThat(guard.refusal(ip("::ffff:127.0.0.1"))).isEmpty();
        assertThat(guard.refusal(ipv6Bytes("::ffff:127.0.0.1"))).as("IPv4 range, IPv4-mapped IPv6 form").isEmpty();
        assertThat(guard.refusal(ip("::1"))).as("IPv6 loopback is not 127.0.0.1/32").hasValue("loopback (::1)");
        assertThat(guard.refusal(ip("fd00:1::5"))).isEmpty();
        assertThat(guard.refusal(ip("fd00:2::5"))).hasValue("unique local (fc00::/7)");
        assertThat(guard.refusal(ip("169.254.169.254"))).isEmpty();
        assertThat(guard.refusal(ip("169.254.169.253"))).hasValue("link-local (169.254.0.0/16)");
        assertThat(guard.allowsPrivate()).isFalse();
        assertThat(guard.allowed()).extracting(Cidr::toString)
                .containsExactly("10.20.0.0/16", "127.0.0.1/32", "fd00:1:0:0:0:0:0:0/64", "169.254.169.254/32");
        assertThat(guard).hasToString("AddressGuard[allowPrivateTargets=false, allowedCidrs=[10.20.0.0/16, 127.0.0.1/32, "
                + "fd00:1:0:0:0:0:0:0/64, 169.254.169.254/32]]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1", "10.0.0.1", "192.168.0.1", "169.254.169.254", "fd00::1", "fe80::1",
            "::ffff:127.0.0.1", "100.64.0.1", "224.0.0.1", "0.0.0.0", "255.255.255.255"})
    void allowingPrivateTargetsTurnsTheGuardOff(String literal) throws Exception {
        AddressGuard open = AddressGuard.of(true, "");
        assertThat(open.allowsPrivate()).isTrue();
        assertThat(open.refusal(ip(literal))).isEmpty();
        assertThat(AddressGuard.blockedRange(ip(literal))).as("the range is still known").isPresent();
        assertThat(open).hasToString("AddressGuard[allowPrivateTargets=true, allowedCidrs=[]]");
    }

    @Test
    void aBadAllowedCidrStopsTheStartNamingItAndTheSetting() {
        for (String bad : List.of("10.0.0.0/33", "example.com", "10.0.0/8", "fd00::/129", "10.0.0.0/x", "010.0.0.1")) {
            assertThatThrownBy(() -> AddressGuard.of(false, "192.168.0.0/16," + bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("WEBHOOK_ALLOWED_CIDRS: '" + bad + "' is not a CIDR");
        }
        assertThat(AddressGuard.of(false, null).allowed()).isEmpty();
        assertThat(AddressGuard.of(false, "  ,  ").allowed()).isEmpty();
    }

    @Test
    void checksASocketAddressByTheAddressItConnectsTo() throws Exception {
        InetSocketAddress resolved = new InetSocketAddress(InetAddress.getByAddress("receiver.example", ip("10.0.0.7").getAddress()), 443);
        assertThatThrownBy(() -> GUARD.check(resolved, null))
                .isInstanceOf(BlockedAddressException.class)
                .hasMessage("blocked_address: receiver.example (10.0.0.7) is private (RFC 1918, 10.0.0.0/8) "
                        + "(set WEBHOOK_ALLOW_PRIVATE_TARGETS or WEBHOOK_ALLOWED_CIDRS to allow it)");
        assertThatThrownBy(() -> GUARD.check(InetSocketAddress.createUnresolved("receiver.example", 443), null))
                .isInstanceOf(BlockedAddressException.class)
                .hasMessageContaining("receiver.example is unresolved");
        assertThatCode(() -> new AddressGuard(true, List.of()).check(InetSocketAddress.createUnresolved("x.example", 1), null))
                .doesNotThrowAnyException();
    }

    @Test
    void theExceptionNamesHostAddressAndRange() throws Exception {
        BlockedAddressException e = new BlockedAddressException("[::1]", ip("::1"), "loopback (::1)");
        assertThat(e).hasMessage("blocked_address: ::1 is loopback (::1) "
                + "(set WEBHOOK_ALLOW_PRIVATE_TARGETS or WEBHOOK_ALLOWED_CIDRS to allow it)");
        assertThat(e.host()).isEqualTo("[::1]");
        assertThat(new BlockedAddressException("localhost", ip("127.0.0.1"), "loopback (127.0.0.0/8)"))
                .hasMessageStartingWith("blocked_address: localhost (127.0.0.1) is loopback (127.0.0.0/8) (set ");
        assertThat(new BlockedAddressException("::ffff:127.0.0.1", ip("127.0.0.1"), "loopback (127.0.0.0/8)"))
                .hasMessageStartingWith("blocked_address: ::ffff:127.0.0.1 is loopback (127.0.0.0/8) (set ");
        assertThat(e.address()).isEqualTo(ip("::1"));
        assertThat(e.range()).isEqualTo("loopback (::1)");
        assertThat(BlockedAddressException.REASON).isEqualTo("blocked_address");
    }

    // --- the spellings of loopback a URL may use, as this JVM resolves them -------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"2130706433", "127.1", "[::ffff:127.0.0.1]", "::ffff:127.0.0.1", "::ffff:7f00:1",
            "localhost", "[::1]", "::1", "127.0.0.1", "::127.0.0.1", "0.0.0.0", "0"})
    void everySpellingThisJvmResolvesToLoopbackIsRefused(String host) throws Exception {
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] resolved = InetAddress.getAllByName(bare);
        assertThat(resolved).isNotEmpty().allSatisfy(a -> assertThat(GUARD.refusal(a)).isPresent());
        assertThatThrownBy(() -> GUARD.checkHost(host))
                .isInstanceOf(BlockedAddressException.class)
                .hasMessageStartingWith("blocked_address: ")
                .hasMessageMatching("blocked_address: .* is (IPv4-compatible )?(loopback|unspecified) .*");
    }

    @Test
    void theDecimalFormIsLoopbackToThisJvm() throws Exception {
        assertThat(InetAddress.getAllByName("2130706433")).containsExactly(ip("127.0.0.1"));
        assertThat(InetAddress.getAllByName("127.1")).containsExactly(ip("127.0.0.1"));
    }

    /**
     * Hex and octal: this JVM does not read {@code 0x7f000001} at all (UnknownHostException: the connection is never
     * made), and reads {@code 0177.0.0.1} as decimal 177.0.0.1 (a public address; the connection would go there,
     * not to loopback). Other parsers read both as 127.0.0.1, so the intake's check refuses such spellings outright.
     */
    @Test
    void hexAndOctalSpellingsAreRefusedAtIntakeWhateverTheJvmMakesOfThem() throws Exception {
        assertThatThrownBy(() -> InetAddress.getAllByName("0x7f000001")).isInstanceOf(UnknownHostException.class);
        assertThat(InetAddress.getAllByName("0177.0.0.1")).containsExactly(ip("177.0.0.1"));
        for (String host : List.of("0x7f000001", "0177.0.0.1", "0x7f.0.0.1", "017700000001", "0x7f.1", "10.0.0.010")) {
            assertThatThrownBy(() -> GUARD.checkHost(host))
                    .as(host)
                    .isInstanceOf(BlockedAddressException.class)
                    .hasMessageStartingWith("blocked_address: " + host + " is an ambiguous IPv4 literal");
        }
    }

    @Test
    void checkHostRefusesWhenAnyAddressIsRefusedAndLetsPublicLiteralsThrough() throws Exception {
        assertThatCode(() -> GUARD.checkHost("8.8.8.8")).doesNotThrowAnyException();
        assertThatCode(() -> GUARD.checkHost("[2606:4700::1111]")).doesNotThrowAnyException();
        assertThatCode(() -> AddressGuard.of(false, "127.0.0.1/32").checkHost("127.0.0.1")).doesNotThrowAnyException();
        assertThatCode(() -> AddressGuard.of(true, "").checkHost("localhost")).doesNotThrowAnyException();
        assertThatThrownBy(() -> GUARD.checkHost("169.254.169.254"))
                .isInstanceOf(BlockedAddressException.class)
                .hasMessageStartingWith("blocked_address: 169.254.169.254 is link-local (169.254.0.0/16)");
        assertThatThrownBy(() -> GUARD.checkHost("no-such-host.invalid")).isInstanceOf(UnknownHostException.class);
        assertThatThrownBy(() -> GUARD.checkHost(" ")).isInstanceOf(UnknownHostException.class);
    }
}
