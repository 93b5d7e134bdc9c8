package io.modelfetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AddressPolicyTest {
  private static final AddressPolicy PUBLIC = AddressPolicy.publicOnly();

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
      "127.0.0.1, loopback", "127.255.1.2, loopback", "::1, loopback",
      "10.0.0.1, private", "172.16.0.1, private", "172.31.255.255, private", "192.168.1.10, private",
      "100.64.0.1, private", "fc00::1, private", "fd12:3456::1, private", "fec0::1, private",
      "169.254.169.254, link-local", "169.254.0.1, link-local", "fe80::1, link-local",
      "224.0.0.1, multicast", "239.255.255.250, multicast", "ff02::1, multicast",
      "0.0.0.0, unspecified", "::, unspecified", "255.255.255.255, reserved", "240.0.0.1, reserved",
      "192.0.0.170, reserved", "198.18.0.1, reserved",
      // IPv4 hidden in IPv6 forms
      "::ffff:127.0.0.1, loopback", "::ffff:169.254.169.254, link-local", "::ffff:10.0.0.1, private",
      "::127.0.0.1, loopback", "::10.0.0.1, private", "64:ff9b::a9fe:a9fe, link-local",
      "2002:7f00:1::1, loopback", "2002:c0a8:0101::1, private"})
  void refusesNonPublicAddresses(String address, String why) throws UnknownHostException {
    InetAddress a = InetAddress.getByName(address);
    assertThat(PUBLIC.refusal(a)).isEqualTo(why);
    assertThat(PUBLIC.allows(a)).isFalse();
    assertThat(AddressPolicy.allowAll().allows(a)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "100.128.0.1", "169.253.0.1",
      "223.255.255.255", "2606:4700::1111", "2a00:1450:4001::200e", "::ffff:8.8.8.8", "64:ff9b::808:808",
      "2002:0808:0808::1"})
  void allowsPublicAddresses(String address) throws UnknownHostException {
    assertThat(PUBLIC.allows(InetAddress.getByName(address))).isTrue();
  }

  @Test
  void allowingOpensOneNetworkOnly() throws UnknownHostException {
    AddressPolicy mirror = PUBLIC.allowing("10.1.2.0/24");
    assertThat(mirror.allows(InetAddress.getByName("10.1.2.200"))).isTrue();
    assertThat(mirror.allows(InetAddress.getByName("10.1.3.1"))).isFalse();
    assertThat(mirror.allows(InetAddress.getByName("127.0.0.1"))).isFalse();
    assertThat(PUBLIC.allowing("127.0.0.1").allows(InetAddress.getByName("127.0.0.2"))).isFalse();
    assertThat(PUBLIC.allowing("fd00::/8").allows(InetAddress.getByName("fd00::5"))).isTrue();
    assertThat(PUBLIC.allows(InetAddress.getByName("10.1.2.200"))).as("the original is unchanged").isFalse();
  }

  @Test
  void allowingRejectsNamesAndBadPrefixes() {
    assertThatThrownBy(() -> PUBLIC.allowing("localhost")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an IP address");
    assertThatThrownBy(() -> PUBLIC.allowing("dead")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PUBLIC.allowing("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0..32");
  }

  @Test
  void resolveRefusesWithAMessageThatSaysWhy() {
    assertThatThrownBy(() -> PUBLIC.resolve("127.0.0.1"))
        .isInstanceOf(AddressPolicy.Refused.class)
        .hasMessageContaining("refused to connect to 127.0.0.1: a loopback address")
        .hasMessageContaining("only connects to public addresses");
    assertThatThrownBy(() -> PUBLIC.resolve("localhost")).isInstanceOf(AddressPolicy.Refused.class)
        .hasMessageContaining("localhost (127.0.0.1)");
  }
}
