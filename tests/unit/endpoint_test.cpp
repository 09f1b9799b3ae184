// SPDX-License-Identifier: MIT
// evsel: unit tests of evsel::endpoint: strict parsing, RFC 5952 formatting, round trips.
#include <array>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include <evsel/endpoint.hpp>
#include <evsel/error.hpp>

#include "support/catch.hpp"

namespace {

using evsel::address_family;
using evsel::endpoint;

// Parses text that must be valid; fails the test (with the text) otherwise.
endpoint parse_valid(const std::string& text) {
  std::error_code ec = evsel::make_error_code(evsel::errc::would_block);  // must be cleared
  const endpoint e = endpoint::parse(text, ec);
  INFO("text: \"" << text << "\", error: " << ec.message());
  CHECK_FALSE(ec);
  return e;
}

endpoint::v6_bytes v6(std::initializer_list<std::uint16_t> groups) {
  endpoint::v6_bytes bytes{};
  std::size_t i = 0;
  for (const std::uint16_t g : groups) {
    bytes[i++] = static_cast<std::uint8_t>(g >> 8);
    bytes[i++] = static_cast<std::uint8_t>(g & 0xFF);
  }
  return bytes;
}

}  // namespace

TEST_CASE("Valid IPv4 endpoint text is parsed into address bytes and port", "[unit][endpoint]") {
  struct sample {
    const char* text;
    endpoint::v4_bytes bytes;
    std::uint16_t port;
  };
  const sample samples[] = {
      {"127.0.0.1:4567", {127, 0, 0, 1}, 4567},
      {"0.0.0.0:0", {0, 0, 0, 0}, 0},
      {"255.255.255.255:65535", {255, 255, 255, 255}, 65535},
      {"10.20.30.40:1", {10, 20, 30, 40}, 1},
      {"192.168.0.100:8080", {192, 168, 0, 100}, 8080},
      {"1.0.0.9:99", {1, 0, 0, 9}, 99},
  };
  for (const sample& s : samples) {
    CAPTURE(s.text);
    const endpoint e = parse_valid(s.text);
    CHECK(e.family() == address_family::ipv4);
    CHECK(e.ipv4_bytes() == s.bytes);
    CHECK(e.port() == s.port);
    CHECK(e.scope_id() == 0);
    CHECK(e == endpoint::ipv4(s.bytes, s.port));
  }
}

TEST_CASE("Valid IPv6 endpoint text is parsed into address bytes, port and scope",
          "[unit][endpoint]") {
  struct sample {
    const char* text;
    endpoint::v6_bytes bytes;
    std::uint16_t port;
    std::uint32_t scope;
  };
  const sample samples[] = {
      {"[::1]:4567", v6({0, 0, 0, 0, 0, 0, 0, 1}), 4567, 0},
      {"[::]:0", v6({}), 0, 0},
      {"[fe80::1%2]:80", v6({0xfe80, 0, 0, 0, 0, 0, 0, 1}), 80, 2},
      {"[2001:db8::1]:1", v6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}), 1, 0},
      {"[1:2:3:4:5:6:7:8]:65535", v6({1, 2, 3, 4, 5, 6, 7, 8}), 65535, 0},
      {"[2001:0db8:0000:0000:0000:ff00:0042:8329]:9",
       v6({0x2001, 0xdb8, 0, 0, 0, 0xff00, 0x42, 0x8329}), 9, 0},
      {"[::ffff:1.2.3.4]:5", v6({0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304}), 5, 0},
      {"[1:2:3:4:5:6:1.2.3.4]:5", v6({1, 2, 3, 4, 5, 6, 0x0102, 0x0304}), 5, 0},
      {"[FE80::ABCD:Ef01%2]:80", v6({0xfe80, 0, 0, 0, 0, 0, 0xabcd, 0xef01}), 80, 2},
      {"[1::]:7", v6({1, 0, 0, 0, 0, 0, 0, 0}), 7, 0},
      {"[1:2:3:4:5:6:7::]:7", v6({1, 2, 3, 4, 5, 6, 7, 0}), 7, 0},
      {"[::2:3:4:5:6:7:8]:7", v6({0, 2, 3, 4, 5, 6, 7, 8}), 7, 0},
      {"[fe80::1%4294967295]:1", v6({0xfe80, 0, 0, 0, 0, 0, 0, 1}), 1, 4294967295U},
  };
  for (const sample& s : samples) {
    CAPTURE(s.text);
    const endpoint e = parse_valid(s.text);
    CHECK(e.family() == address_family::ipv6);
    CHECK(e.ipv6_bytes() == s.bytes);
    CHECK(e.port() == s.port);
    CHECK(e.scope_id() == s.scope);
    CHECK(e == endpoint::ipv6(s.bytes, s.port, s.scope));
  }
}

TEST_CASE("Malformed endpoint text fails with invalid_argument and a default endpoint",
          "[unit][endpoint]") {
  const char* const malformed[] = {
      // empty, missing or bad port
      "", ":", ":80", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:99999",
      "127.0.0.1:-1", "127.0.0.1:+80", "127.0.0.1:8a", "127.0.0.1:0x10", "127.0.0.1: 80",
      "127.0.0.1:4294967376", "127.0.0.1:80:80",
      // IPv4 forms that are not a strict dotted quad
      "01.2.3.4:1", "1.2.3.04:1", "1.2.3.00:1", "1.2.3.4.5:1", "1.2.3:1", "1.2:1", "1:1",
      "1.2.3.256:1", "256.0.0.1:1", "1.2.3.1000:1", "1..3.4:1", ".1.2.3:1", "1.2.3.4.:1",
      "0x7f.0.0.1:1", "-1.2.3.4:1", "1.2.3.-4:1", " 1.2.3.4:1", "1.2.3.4 :1",
      // host names and interface names are not resolved
      "localhost:80", "example.com:443", "[localhost]:80", "[fe80::1%eth0]:80",
      // IPv6 without brackets, unclosed or misplaced brackets
      "::1:80", "::1", "fe80::1:80", "[::1:80", "[::1", "::1]:80", "[::1]", "[::1]:", "[::1]80",
      "[::1]]:80", "[[::1]]:80", "[]:80",
      // malformed IPv6 addresses
      "[1::2::3]:1", "[::1::]:1", "[:::]:1", "[1:::2]:1", "[:1::2]:1", "[1::2:]:1",
      "[1:2:3:4:5:6:7:8:9]:1", "[1:2:3:4:5:6:7]:1", "[1:2:3:4::5:6:7:8]:1", "[::1:2:3:4:5:6:7:8]:1",
      "[1:2:3:4:5:6:7:8::]:1", "[12345::1]:1", "[g::1]:1", "[::fffg]:1", "[::-1]:1", "[1.2.3.4]:1",
      "[::1.2.3]:1", "[::1.2.3.4:5]:1", "[::ffff:01.2.3.4]:1", "[::ffff:1.2.3.256]:1",
      "[1:2:3:4:5:6:7:1.2.3.4]:1", "[ ::1]:1", "[::1 ]:1",
      // bad scope ids
      "[fe80::1%]:80", "[fe80::1%-1]:80", "[fe80::1%+2]:80", "[fe80::1%2%3]:80",
      "[fe80::1%4294967296]:80", "[fe80::1%99999999999]:80", "[%2]:80",
      // trailing garbage
      "127.0.0.1:80x", "127.0.0.1:80 ", "[::1]:80x", "[::1]:80/", "[::1]x:80", "127.0.0.1:80\n",
      // leading zeros in ports, as in IPv4 parts
      "127.0.0.1:080", "[::1]:00", "1.2.3.4:0065535"};
  for (const char* text : malformed) {
    CAPTURE(text);
    std::error_code ec;
    const endpoint e = endpoint::parse(text, ec);
    CHECK(ec == evsel::errc::invalid_argument);
    CHECK(e == endpoint());
    CHECK_THROWS_AS(endpoint::parse(text), std::system_error);
  }
}

TEST_CASE("The throwing parse names the text in its exception", "[unit][endpoint]") {
  for (const char* text : {"localhost:80", "01.2.3.4:1", "[::1", "1.2.3.4:65536"}) {
    CAPTURE(text);
    try {
      (void)endpoint::parse(text);
      FAIL("no exception for malformed text");
    } catch (const std::system_error& e) {
      CHECK(e.code() == evsel::errc::invalid_argument);
      CHECK(std::string(e.what()).find(text) != std::string::npos);
    }
  }
  CHECK_THROWS_WITH(endpoint::parse("[::1]:port"),
                    Catch::Matchers::ContainsSubstring("[::1]:port"));
  CHECK_NOTHROW(endpoint::parse("127.0.0.1:0"));
}

TEST_CASE("The throwing parse quotes a long or binary text cut and escaped", "[unit][endpoint]") {
  const std::string huge(100000, '9');
  try {
    (void)endpoint::parse(huge);
    FAIL("no exception for malformed text");
  } catch (const std::system_error& e) {
    const std::string what = e.what();
    CAPTURE(what.size());
    CHECK(what.size() < 400);
    CHECK(what.find("100000 bytes, cut") != std::string::npos);
  }
  try {
    (void)endpoint::parse(std::string("1.2.3.4:\x01\n\xff", 11));
    FAIL("no exception for malformed text");
  } catch (const std::system_error& e) {
    const std::string what = e.what();
    CAPTURE(what);
    CHECK(what.find("\\x01\\x0A\\xFF") != std::string::npos);
    CHECK(what.find('\n') == std::string::npos);
  }
  CHECK_NOTHROW(endpoint::parse("127.0.0.1:1"));
  CHECK(endpoint::parse("[::1]:2") == endpoint::loopback(address_family::ipv6, 2));
}

TEST_CASE("IPv4 endpoints are formatted as a dotted quad and port", "[unit][endpoint]") {
  CHECK(endpoint().to_string() == "0.0.0.0:0");
  CHECK(endpoint::ipv4({127, 0, 0, 1}, 4567).to_string() == "127.0.0.1:4567");
  CHECK(endpoint::ipv4({255, 255, 255, 255}, 65535).to_string() == "255.255.255.255:65535");
  CHECK(endpoint::ipv4({10, 0, 200, 3}, 80).address_string() == "10.0.200.3");
}

TEST_CASE("IPv6 endpoints are formatted as RFC 5952 demands", "[unit][endpoint]") {
  struct sample {
    endpoint::v6_bytes bytes;
    std::uint32_t scope;
    const char* address;
  };
  const sample samples[] = {
      {v6({0, 0, 0, 0, 0, 0, 0, 1}), 0, "::1"},
      {v6({}), 0, "::"},
      {v6({1, 0, 0, 0, 0, 0, 0, 0}), 0, "1::"},
      {v6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}), 0, "2001:db8::1"},
      {v6({0xABCD, 0xEF01, 0, 0, 0, 0, 0, 0xFFFF}), 0, "abcd:ef01::ffff"},
      // a single zero group is not compressed
      {v6({0x2001, 0xdb8, 0, 1, 1, 1, 1, 1}), 0, "2001:db8:0:1:1:1:1:1"},
      {v6({1, 2, 3, 4, 5, 6, 7, 0}), 0, "1:2:3:4:5:6:7:0"},
      {v6({0, 2, 3, 4, 5, 6, 7, 8}), 0, "0:2:3:4:5:6:7:8"},
      // the longest run is compressed, the first one on a tie
      {v6({1, 0, 0, 2, 0, 0, 0, 3}), 0, "1:0:0:2::3"},
      {v6({1, 0, 0, 0, 2, 0, 0, 3}), 0, "1::2:0:0:3"},
      {v6({1, 0, 0, 2, 0, 0, 3, 4}), 0, "1::2:0:0:3:4"},
      {v6({0, 0, 1, 0, 0, 1, 0, 0}), 0, "::1:0:0:1:0:0"},
      {v6({0x2001, 0xdb8, 0, 0, 1, 0, 0, 1}), 0, "2001:db8::1:0:0:1"},
      // leading zeros inside a group are dropped
      {v6({0x2001, 0x0db8, 0x0042, 0x000a, 0, 0, 0, 0x0001}), 0, "2001:db8:42:a::1"},
      // IPv4-mapped addresses keep their dotted tail
      {v6({0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304}), 0, "::ffff:1.2.3.4"},
      {v6({0, 0, 0, 0, 0, 0xffff, 0x7f00, 0x0001}), 0, "::ffff:127.0.0.1"},
      // the scope id is printed in decimal
      {v6({0xfe80, 0, 0, 0, 0, 0, 0, 1}), 2, "fe80::1%2"},
      {v6({0xfe80, 0, 0, 0, 0, 0, 0, 1}), 4294967295U, "fe80::1%4294967295"},
  };
  for (const sample& s : samples) {
    CAPTURE(s.address);
    const endpoint e = endpoint::ipv6(s.bytes, 443, s.scope);
    CHECK(e.address_string() == s.address);
    CHECK(e.to_string() == "[" + std::string(s.address) + "]:443");
  }
}

TEST_CASE("Parsed IPv6 text is printed back in canonical form", "[unit][endpoint]") {
  CHECK(parse_valid("[FE80::ABCD%2]:80").to_string() == "[fe80::abcd%2]:80");
  CHECK(parse_valid("[2001:0DB8:0:0:0:0:0:0001]:1").to_string() == "[2001:db8::1]:1");
  CHECK(parse_valid("[2001:db8:0:1:1:1:1:1]:1").to_string() == "[2001:db8:0:1:1:1:1:1]:1");
  CHECK(parse_valid("[0:0:0:0:0:ffff:102:304]:5").to_string() == "[::ffff:1.2.3.4]:5");
  CHECK(parse_valid("[1:2:3:4:5:6:7::]:7").to_string() == "[1:2:3:4:5:6:7:0]:7");
  CHECK(parse_valid("[fe80::1%0]:80").to_string() == "[fe80::1]:80");
}

TEST_CASE("parse(to_string(e)) gives back e for many endpoints", "[unit][endpoint]") {
  std::vector<endpoint> samples = {
      endpoint(),
      endpoint::ipv4({127, 0, 0, 1}, 4567),
      endpoint::ipv4({255, 255, 255, 255}, 65535),
      endpoint::ipv4({1, 10, 100, 200}, 1),
      endpoint::loopback(address_family::ipv6, 80),
      endpoint::any(address_family::ipv6, 0),
      endpoint::ipv6(v6({0xfe80, 0, 0, 0, 0, 0, 0, 1}), 80, 2),
      endpoint::ipv6(v6({0xfe80, 0, 0, 0, 0, 0, 0, 1}), 80, 4294967295U),
      endpoint::ipv6(v6({0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304}), 5),
      endpoint::ipv6(v6({0, 0, 0, 0, 0, 0, 0x0102, 0x0304}), 5),
      endpoint::ipv6(v6({0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff}), 1),
  };
  // Every pattern of zero and non-zero groups, with and without a scope id.
  for (unsigned mask = 0; mask < 256; ++mask) {
    endpoint::v6_bytes bytes{};
    for (std::size_t g = 0; g < 8; ++g) {
      if ((mask >> g & 1U) != 0) {
        bytes[2 * g] = static_cast<std::uint8_t>(0x10 * (g + 1));
        bytes[2 * g + 1] = static_cast<std::uint8_t>(g + 1);
      }
    }
    samples.push_back(endpoint::ipv6(bytes, static_cast<std::uint16_t>(mask * 257), mask % 3));
  }
  for (unsigned i = 0; i < 256; ++i) {
    const auto b = static_cast<std::uint8_t>(i);
    samples.push_back(endpoint::ipv4({b, static_cast<std::uint8_t>(255 - i), 0, b},
                                     static_cast<std::uint16_t>(i * 255)));
  }
  for (const endpoint& e : samples) {
    const std::string text = e.to_string();
    CAPTURE(text);
    std::error_code ec;
    CHECK(endpoint::parse(text, ec) == e);
    CHECK_FALSE(ec);
    CHECK(text.find_first_of("ABCDEF") == std::string::npos);
    CHECK(text.find("::") == text.rfind("::"));
  }
}

TEST_CASE("loopback and any build the well-known addresses", "[unit][endpoint]") {
  const endpoint lo4 = endpoint::loopback(address_family::ipv4, 7);
  CHECK(lo4.family() == address_family::ipv4);
  CHECK(lo4.ipv4_bytes() == endpoint::v4_bytes{127, 0, 0, 1});
  CHECK(lo4.port() == 7);
  CHECK(lo4.to_string() == "127.0.0.1:7");
  CHECK(lo4.is_loopback());
  CHECK_FALSE(lo4.is_unspecified());

  const endpoint lo6 = endpoint::loopback(address_family::ipv6, 8);
  CHECK(lo6.family() == address_family::ipv6);
  CHECK(lo6.ipv6_bytes() == v6({0, 0, 0, 0, 0, 0, 0, 1}));
  CHECK(lo6.scope_id() == 0);
  CHECK(lo6.to_string() == "[::1]:8");
  CHECK(lo6.is_loopback());
  CHECK_FALSE(lo6.is_unspecified());

  const endpoint any4 = endpoint::any(address_family::ipv4, 9);
  CHECK(any4 == endpoint().with_port(9));
  CHECK(any4.to_string() == "0.0.0.0:9");
  CHECK(any4.is_unspecified());
  CHECK_FALSE(any4.is_loopback());

  const endpoint any6 = endpoint::any(address_family::ipv6, 10);
  CHECK(any6.family() == address_family::ipv6);
  CHECK(any6.ipv6_bytes() == endpoint::v6_bytes{});
  CHECK(any6.to_string() == "[::]:10");
  CHECK(any6.is_unspecified());
  CHECK_FALSE(any6.is_loopback());

  CHECK(any4 != any6.with_port(9));  // same bytes, different family
  CHECK(lo4 != lo6.with_port(7));
}

TEST_CASE("A default endpoint is 0.0.0.0:0", "[unit][endpoint]") {
  const endpoint e;
  CHECK(e.family() == address_family::ipv4);
  CHECK(e.port() == 0);
  CHECK(e.scope_id() == 0);
  CHECK(e.ipv4_bytes() == endpoint::v4_bytes{});
  CHECK(e.ipv6_bytes() == endpoint::v6_bytes{});
  CHECK(e == endpoint::any(address_family::ipv4, 0));
  CHECK(e == parse_valid("0.0.0.0:0"));
}

TEST_CASE("is_loopback and is_unspecified classify addresses", "[unit][endpoint]") {
  CHECK(parse_valid("127.0.0.1:1").is_loopback());
  CHECK(parse_valid("127.1.2.3:1").is_loopback());  // all of 127.0.0.0/8
  CHECK(parse_valid("127.255.255.255:1").is_loopback());
  CHECK_FALSE(parse_valid("128.0.0.1:1").is_loopback());
  CHECK_FALSE(parse_valid("1.0.0.127:1").is_loopback());
  CHECK_FALSE(parse_valid("0.0.0.0:1").is_loopback());
  CHECK(parse_valid("[::1]:1").is_loopback());
  CHECK_FALSE(parse_valid("[::2]:1").is_loopback());
  CHECK_FALSE(parse_valid("[1::1]:1").is_loopback());
  CHECK_FALSE(parse_valid("[::]:1").is_loopback());
  CHECK_FALSE(parse_valid("[::100]:1").is_loopback());

  CHECK(parse_valid("0.0.0.0:1").is_unspecified());
  CHECK_FALSE(parse_valid("0.0.0.1:1").is_unspecified());
  CHECK_FALSE(parse_valid("1.0.0.0:1").is_unspecified());
  CHECK(parse_valid("[::]:1").is_unspecified());
  CHECK_FALSE(parse_valid("[::1]:1").is_unspecified());
  CHECK_FALSE(parse_valid("[1::]:1").is_unspecified());
  CHECK_FALSE(parse_valid("[::ffff:0.0.0.0]:1").is_unspecified());
}

TEST_CASE("with_port changes only the port", "[unit][endpoint]") {
  const endpoint original = parse_valid("[fe80::1%2]:80");
  const endpoint changed = original.with_port(8080);
  CHECK(changed.port() == 8080);
  CHECK(changed.family() == original.family());
  CHECK(changed.ipv6_bytes() == original.ipv6_bytes());
  CHECK(changed.scope_id() == 2);
  CHECK(changed.to_string() == "[fe80::1%2]:8080");
  CHECK(original.port() == 80);
  CHECK(changed != original);
  CHECK(changed.with_port(80) == original);

  const endpoint v4 = parse_valid("10.1.2.3:1");
  CHECK(v4.with_port(65535).to_string() == "10.1.2.3:65535");
  CHECK(v4.with_port(0).ipv4_bytes() == endpoint::v4_bytes{10, 1, 2, 3});
}

TEST_CASE("Endpoints compare equal only when family, address, port and scope match",
          "[unit][endpoint]") {
  const endpoint base = endpoint::ipv6(v6({0xfe80, 0, 0, 0, 0, 0, 0, 1}), 80, 2);
  CHECK(base == endpoint::ipv6(v6({0xfe80, 0, 0, 0, 0, 0, 0, 1}), 80, 2));
  CHECK_FALSE(base != endpoint::ipv6(v6({0xfe80, 0, 0, 0, 0, 0, 0, 1}), 80, 2));
  CHECK(base != endpoint::ipv6(v6({0xfe80, 0, 0, 0, 0, 0, 0, 1}), 80, 3));
  CHECK(base != endpoint::ipv6(v6({0xfe80, 0, 0, 0, 0, 0, 0, 2}), 80, 2));
  CHECK(base != base.with_port(81));
  CHECK(endpoint::ipv4({1, 2, 3, 4}, 5) != endpoint::ipv4({1, 2, 3, 5}, 5));
  CHECK(endpoint::ipv4({1, 2, 3, 4}, 5) == parse_valid("1.2.3.4:5"));
  // An IPv4 endpoint's ipv6_bytes hold the address in the first four bytes only.
  const endpoint v4 = endpoint::ipv4({1, 2, 3, 4}, 5);
  CHECK(v4.ipv6_bytes() == endpoint::v6_bytes{1, 2, 3, 4});
}
