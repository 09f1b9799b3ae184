// SPDX-License-Identifier: MIT
// evsel package test: a program that uses evsel as a consumer would, built against an
// installed evsel (find_package, pkg-config) or an embedded one (add_subdirectory).
#include <chrono>
#include <cstdio>

#include <evsel/evsel.hpp>
#include <evsel/version.hpp>

namespace {

int fail(const char* what, const std::error_code& ec) {
  std::fprintf(stderr, "evsel-package-consumer: %s: %s\n", what, ec.message().c_str());
  return 1;
}

}  // namespace

int main() {
  using evsel::event;
  std::error_code ec;
  evsel::socket listener =
      evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp, ec);
  if (!ec) ec = listener.bind(evsel::endpoint::parse("127.0.0.1:0"));
  if (!ec) ec = listener.listen();
  const evsel::endpoint where = ec ? evsel::endpoint{} : listener.local_endpoint(ec);
  if (ec) return fail("listening socket", ec);

  evsel::socket client = evsel::socket::open(evsel::address_family::ipv4, evsel::protocol::tcp, ec);
  if (ec) return fail("client socket", ec);
  evsel::poller poller;
  if ((ec = poller.add(listener, event::accept, &listener))) return fail("add listener", ec);
  if ((ec = poller.add(client, event::connect, &client))) return fail("add client", ec);
  if ((ec = client.connect(where))) return fail("connect", ec);

  // Both ends must be reported: accept on the listener, connect (without error) on the client.
  bool accepted = false;
  bool connected = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((!accepted || !connected) && std::chrono::steady_clock::now() < deadline) {
    evsel::ready_record ready[4];
    const std::size_t n = poller.wait(ready, 4, std::chrono::milliseconds(500), ec);
    if (ec) return fail("wait", ec);
    for (std::size_t i = 0; i < n; ++i) {
      accepted = accepted || (ready[i].context == &listener && ready[i].has(event::accept));
      if (ready[i].context == &client && ready[i].has(event::connect)) {
        if (ready[i].error(event::connect))
          return fail("connect event", ready[i].error(event::connect));
        connected = true;
      }
    }
  }
  if (!accepted || !connected) {
    std::fprintf(stderr, "evsel-package-consumer: no %s event within 10 s\n",
                 accepted ? "connect" : "accept");
    return 1;
  }
  std::printf("evsel %s (%s backend): accept and connect reported\n", EVSEL_VERSION_STRING,
              evsel::poller::backend_name());
  return 0;
}
