// SPDX-License-Identifier: MIT
// evsel: unit tests of evsel::errc, its category and the portable comparison with OS codes.
#include <cctype>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <evsel/endpoint.hpp>
#include <evsel/error.hpp>
#include <evsel/poller.hpp>
#include <evsel/socket.hpp>

#include "support/catch.hpp"

namespace {

using evsel::errc;

// Every enumerator, in declaration order.
const std::vector<errc>& all_conditions() {
  static const std::vector<errc> all = {
      errc::would_block,
      errc::connection_refused,
      errc::connection_reset,
      errc::connection_aborted,
      errc::timed_out,
      errc::network_unreachable,
      errc::host_unreachable,
      errc::network_down,
      errc::not_connected,
      errc::already_connected,
      errc::connection_in_progress,
      errc::shut_down,
      errc::message_size,
      errc::address_in_use,
      errc::address_not_available,
      errc::address_family_not_supported,
      errc::no_buffer_space,
      errc::too_many_files_open,
      errc::access_denied,
      errc::operation_not_supported,
      errc::not_a_socket,
      errc::invalid_argument,
      errc::not_registered,
      errc::already_registered,
  };
  return all;
}

// The conditions among all_conditions() that `ec` compares equal to.
std::vector<errc> matching(const std::error_code& ec) {
  std::vector<errc> result;
  for (const errc e : all_conditions()) {
    if (ec == e) result.push_back(e);
  }
  return result;
}

}  // namespace

TEST_CASE("The evsel error category is named evsel", "[unit][errc]") {
  CHECK(std::string(evsel::error_category().name()) == "evsel");
  CHECK(&evsel::error_category() == &evsel::error_category());
  CHECK(evsel::error_category() != std::generic_category());
  CHECK(evsel::native_category() != evsel::error_category());
}

TEST_CASE("The errc enumerators are numbered from 1 without gaps", "[unit][errc]") {
  int expected = 1;
  for (const errc e : all_conditions()) {
    CHECK(static_cast<int>(e) == expected);
    ++expected;
  }
}

TEST_CASE("Every errc has its own non-empty message", "[unit][errc]") {
  std::set<std::string> seen;
  for (const errc e : all_conditions()) {
    const std::error_code code = evsel::make_error_code(e);
    CAPTURE(static_cast<int>(e), code.message());
    CHECK_FALSE(code.message().empty());
    CHECK(code.message() == evsel::error_category().message(static_cast<int>(e)));
    CHECK(evsel::make_error_condition(e).message() == code.message());
    CHECK(seen.insert(code.message()).second);
  }
}

TEST_CASE("A code made from an errc equals that errc and no other", "[unit][errc]") {
  for (const errc e : all_conditions()) {
    const std::error_code code = evsel::make_error_code(e);
    CAPTURE(static_cast<int>(e));
    CHECK(code);
    CHECK(code.category() == evsel::error_category());
    CHECK(code.value() == static_cast<int>(e));
    CHECK(code == e);
    CHECK(code == evsel::make_error_condition(e));
    CHECK(matching(code) == std::vector<errc>{e});
  }
}

TEST_CASE("errc converts implicitly to a std::error_condition in the evsel category",
          "[unit][errc]") {
  const std::error_condition condition = errc::timed_out;
  CHECK(condition.category() == evsel::error_category());
  CHECK(condition.value() == static_cast<int>(errc::timed_out));
  CHECK(condition == evsel::make_error_condition(errc::timed_out));
  CHECK(condition != evsel::make_error_condition(errc::connection_refused));
}

TEST_CASE("An empty error code matches no errc", "[unit][errc]") {
  const std::error_code none;
  CHECK(matching(none).empty());
  for (const errc e : all_conditions()) CHECK(none != e);
}

TEST_CASE("Generic std::errc codes compare equal to their evsel counterparts", "[unit][errc]") {
  const std::pair<std::errc, errc> pairs[] = {
      {std::errc::connection_refused, errc::connection_refused},
      {std::errc::operation_would_block, errc::would_block},
      {std::errc::resource_unavailable_try_again, errc::would_block},
      {std::errc::connection_reset, errc::connection_reset},
      {std::errc::connection_aborted, errc::connection_aborted},
      {std::errc::timed_out, errc::timed_out},
      {std::errc::network_unreachable, errc::network_unreachable},
      {std::errc::host_unreachable, errc::host_unreachable},
      {std::errc::network_down, errc::network_down},
      {std::errc::not_connected, errc::not_connected},
      {std::errc::destination_address_required, errc::not_connected},
      {std::errc::already_connected, errc::already_connected},
      {std::errc::connection_already_in_progress, errc::connection_in_progress},
      {std::errc::message_size, errc::message_size},
      {std::errc::address_in_use, errc::address_in_use},
      {std::errc::address_not_available, errc::address_not_available},
      {std::errc::address_family_not_supported, errc::address_family_not_supported},
      {std::errc::no_buffer_space, errc::no_buffer_space},
      {std::errc::too_many_files_open, errc::too_many_files_open},
      {std::errc::permission_denied, errc::access_denied},
      {std::errc::operation_not_supported, errc::operation_not_supported},
      {std::errc::invalid_argument, errc::invalid_argument},
      {std::errc::not_a_socket, errc::not_a_socket},
      {std::errc::bad_file_descriptor, errc::not_a_socket},
  };
  for (const auto& [std_errc, evsel_errc] : pairs) {
    const std::error_code code = std::make_error_code(std_errc);
    CAPTURE(code.message(), static_cast<int>(evsel_errc));
    CHECK(code.category() == std::generic_category());
    CHECK(code == evsel_errc);
    CHECK_FALSE(code != evsel_errc);
    // ...and only that one.
    CHECK(matching(code) == std::vector<errc>{evsel_errc});
  }
}

TEST_CASE("Different conditions do not match each other", "[unit][errc]") {
  const std::error_code refused = std::make_error_code(std::errc::connection_refused);
  CHECK(refused != errc::connection_reset);
  CHECK(refused != errc::timed_out);
  CHECK(std::make_error_code(std::errc::connection_reset) != errc::connection_refused);
  CHECK(std::make_error_code(std::errc::connection_reset) != errc::connection_aborted);
  CHECK(std::make_error_code(std::errc::timed_out) != errc::would_block);
  CHECK(std::make_error_code(std::errc::invalid_argument) != errc::not_a_socket);
  CHECK(evsel::make_error_code(errc::connection_refused) != errc::connection_reset);
  CHECK(evsel::make_error_code(errc::would_block) != errc::timed_out);
}

TEST_CASE("Generic codes without an evsel counterpart match no errc", "[unit][errc]") {
  for (const std::errc unrelated :
       {std::errc::io_error, std::errc::broken_pipe, std::errc::no_such_file_or_directory,
        std::errc::result_out_of_range, std::errc::interrupted}) {
    const std::error_code code = std::make_error_code(unrelated);
    CAPTURE(code.message());
    CHECK(matching(code).empty());
  }
}

TEST_CASE("Binding a taken loopback port gives a native address_in_use code", "[unit][errc]") {
  for (const evsel::protocol proto : {evsel::protocol::tcp, evsel::protocol::udp}) {
    for (const evsel::address_family family :
         {evsel::address_family::ipv4, evsel::address_family::ipv6}) {
      CAPTURE(static_cast<int>(proto), static_cast<int>(family));
      evsel::socket first = evsel::socket::open(family, proto);
      REQUIRE_FALSE(first.bind(evsel::endpoint::loopback(family, 0)));
      if (proto == evsel::protocol::tcp) REQUIRE_FALSE(first.listen());
      std::error_code ec;
      const evsel::endpoint taken = first.local_endpoint(ec);
      REQUIRE_FALSE(ec);
      REQUIRE(taken.port() != 0);

      evsel::socket second = evsel::socket::open(family, proto);
      const std::error_code bind_error = second.bind(taken);
      CAPTURE(bind_error.message());
      CHECK(bind_error.category() == evsel::native_category());
      CHECK(bind_error == errc::address_in_use);
      CHECK(bind_error == std::errc::address_in_use);
      CHECK(bind_error != errc::address_not_available);
      CHECK(bind_error != errc::invalid_argument);
      CHECK(matching(bind_error) == std::vector<errc>{errc::address_in_use});
      CHECK_FALSE(bind_error.message().empty());
    }
  }
}

TEST_CASE("Receiving from an idle bound UDP socket gives a native would_block code",
          "[unit][errc]") {
  evsel::socket udp = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::udp);
  REQUIRE_FALSE(udp.bind(evsel::endpoint::loopback(evsel::address_family::ipv4, 0)));
  char buffer[16];
  evsel::endpoint from;
  std::error_code ec;
  CHECK(udp.recv_from(buffer, sizeof buffer, from, ec) == 0);
  CAPTURE(ec.message());
  CHECK(ec.category() == evsel::native_category());
  CHECK(ec == errc::would_block);
  CHECK(matching(ec) == std::vector<errc>{errc::would_block});
  CHECK(ec != errc::timed_out);
}

TEST_CASE("Accepting on an idle listener gives a native would_block code", "[unit][errc]") {
  evsel::socket listener = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp);
  REQUIRE_FALSE(listener.bind(evsel::endpoint::loopback(evsel::address_family::ipv4, 0)));
  REQUIRE_FALSE(listener.listen());
  std::error_code ec;
  const evsel::socket accepted = listener.accept(ec);
  CHECK_FALSE(accepted.is_open());
  CAPTURE(ec.message());
  CHECK(ec.category() == evsel::native_category());
  CHECK(ec == errc::would_block);
  CHECK(matching(ec) == std::vector<errc>{errc::would_block});
}

TEST_CASE("Calls with an endpoint of the wrong family fail with address_family_not_supported",
          "[unit][errc]") {
  evsel::socket v4 = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp);
  const std::error_code connect_error =
      v4.connect(evsel::endpoint::loopback(evsel::address_family::ipv6, 9));
  CHECK(connect_error == errc::address_family_not_supported);
  CHECK(connect_error != errc::connection_refused);
  CHECK(matching(connect_error) == std::vector<errc>{errc::address_family_not_supported});

  evsel::socket v6 = evsel::socket::open(evsel::address_family::ipv6, evsel::protocol::udp);
  CHECK(v6.bind(evsel::endpoint::loopback(evsel::address_family::ipv4, 0)) ==
        errc::address_family_not_supported);
  std::error_code ec;
  const char byte = 'x';
  CHECK(v6.send_to(&byte, 1, evsel::endpoint::loopback(evsel::address_family::ipv4, 9), ec) == 0);
  CHECK(ec == errc::address_family_not_supported);
}

TEST_CASE("Calls on an empty socket report not_a_socket", "[unit][errc]") {
  evsel::socket empty;
  const std::error_code ec = empty.listen();
  CHECK(ec == errc::not_a_socket);
  CHECK(ec != errc::invalid_argument);
  CHECK(ec.category() == evsel::error_category());
}

TEST_CASE("Each misuse says in its message which argument was wrong", "[unit][errc]") {
  using evsel::address_family;
  using evsel::protocol;
  evsel::socket tcp = evsel::socket::open(address_family::ipv4, protocol::tcp);
  evsel::socket listener = evsel::socket::open(address_family::ipv4, protocol::tcp);
  REQUIRE_FALSE(listener.bind(evsel::endpoint::loopback(address_family::ipv4, 0)));
  REQUIRE_FALSE(listener.listen());
  evsel::poller poller;
  std::error_code ec;
  std::vector<std::pair<std::error_code, std::string>> misuses;
  tcp.recv(nullptr, 1, ec);
  misuses.emplace_back(ec, "data pointer");
  misuses.emplace_back(poller.add(tcp, static_cast<evsel::event>(1U << 20)), "event mask");
  evsel::ready_record record;
  poller.wait(&record, 0, std::chrono::milliseconds(0), ec);
  misuses.emplace_back(ec, "record array");
  (void)tcp.accept(ec);
  misuses.emplace_back(ec, "not listening");
  misuses.emplace_back(listener.connect(evsel::endpoint::loopback(address_family::ipv4, 9)),
                       "listening socket");
  misuses.emplace_back(tcp.set_send_buffer_size(0), "buffer size");
  misuses.emplace_back(tcp.set_keep_alive(std::chrono::seconds(0), std::chrono::seconds(1), 1),
                       "keep-alive");
  (void)evsel::endpoint::parse("localhost:80", ec);
  misuses.emplace_back(ec, "endpoint");
  std::set<std::string> messages;
  for (const auto& [code, names] : misuses) {
    CAPTURE(code.message(), names);
    CHECK(code == errc::invalid_argument);
    CHECK(code.category() == evsel::error_category());
    CHECK(matching(code) == std::vector<errc>{errc::invalid_argument});
    CHECK(code.default_error_condition() == evsel::make_error_condition(errc::invalid_argument));
    CHECK(code.message().find(names) != std::string::npos);
    CHECK(messages.insert(code.message()).second);
  }
}

TEST_CASE("Every native error reads as a sentence, with the code's name where the OS has none",
          "[unit][errc]") {
  evsel::socket first = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp);
  REQUIRE_FALSE(first.bind(evsel::endpoint::loopback(evsel::address_family::ipv4, 0)));
  REQUIRE_FALSE(first.listen());
  std::error_code ec;
  const evsel::endpoint taken = first.local_endpoint(ec);
  evsel::socket second = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp);
  std::string message = second.bind(taken).message();
  CAPTURE(message);
  for (char& c : message) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Words, not only a code name such as "WSAEADDRINUSE (10048)".
  CHECK(message.find("address") != std::string::npos);
  CHECK(message.rfind("WSA", 0) == std::string::npos);
  CHECK(message.find(' ') != std::string::npos);
}
