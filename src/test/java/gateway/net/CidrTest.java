package gateway.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {

    static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @Test
    void anIpv4RangeHoldsItsAddressesAndTheirIpv4MappedForms() throws Exception {
        Cidr ten = Cidr.parse("10.0.0.0/8");
        assertThat(ten.contains(ip("10.0.0.0"))).isTrue();
        assertThat(ten.contains(ip("10.255.255.255"))).isTrue();
        assertThat(ten.contains(ip("11.0.0.0"))).isFalse();
        assertThat(ten.contains(ip("9.255.255.255"))).isFalse();
        assertThat(ten.contains(AddressGuardTest.ipv6Bytes("::ffff:10.1.2.3"))).isTrue();
        assertThat(ten.contains(ip("::a01:203"))).as("IPv4-compatible is not the same host").isFalse();
        assertThat(ten.isIpv4()).isTrue();
        assertThat(Cidr.parse("172.16.0.0/12").contains(ip("172.31.255.255"))).isTrue();
        assertThat(Cidr.parse("172.16.0.0/12").contains(ip("172.32.0.0"))).isFalse();
    }

    @Test
    void anIpv6RangeHoldsItsAddresses() throws Exception {
        Cidr ula = Cidr.parse("fd00::/8");
        assertThat(ula.contains(ip("fd12::1"))).isTrue();
        assertThat(ula.contains(ip("fc00::1"))).isFalse();
        assertThat(ula.contains(ip("10.0.0.1"))).isFalse();
        assertThat(ula.isIpv4()).isFalse();
        Cidr mapped = Cidr.parse("::ffff:10.0.0.0/104");
        assertThat(mapped.contains(ip("10.9.9.9"))).as("Java's Inet4Address for ::ffff:10.9.9.9").isTrue();
        assertThat(mapped.contains(ip("11.0.0.1"))).isFalse();
    }

    @Test
    void aBareAddressIsARangeOfOne() throws Exception {
        assertThat(Cidr.parse("127.0.0.1")).hasToString("127.0.0.1/32").isEqualTo(Cidr.parse("127.0.0.1/32"));
        assertThat(Cidr.parse("127.0.0.1").contains(ip("127.0.0.2"))).isFalse();
        assertThat(Cidr.parse("[::1]")).hasToString("0:0:0:0:0:0:0:1/128");
        assertThat(Cidr.parse("::1").contains(ip("::1"))).isTrue();
        assertThat(Cidr.parse("::1").prefixLength()).isEqualTo(128);
    }

    @Test
    void theNetworkIsMaskedAndAZeroPrefixHoldsEverythingOfItsFamily() throws Exception {
        assertThat(Cidr.parse("10.1.2.3/8")).hasToString("10.0.0.0/8").isEqualTo(Cidr.parse("10.0.0.0/8"));
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.5"))).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("2001:db8::1"))).isFalse();
        assertThat(Cidr.parse("::/0").contains(ip("2001:db8::1"))).isTrue();
        assertThat(Cidr.parse("192.168.1.128/25").contains(ip("192.168.1.200"))).isTrue();
        assertThat(Cidr.parse("192.168.1.128/25").contains(ip("192.168.1.127"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "10.0.0.0/33", "::/129", "10.0.0/8", "256.0.0.1", "010.0.0.1", "2130706433",
            "0x7f000001", "localhost", "example.com/8", "10.0.0.0/", "10.0.0.0/-1", "fe80::1%eth0", "1.2.3.4/8/8"})
    void refusesWhatIsNotANumericRange(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
