// A server that prints what every client sends: a complete evsel program.
#include <cstdio>
#include <map>
#include <memory>

#include <evsel/evsel.hpp>

int main() {
  using namespace evsel;
  socket listener = socket::open(address_family::ipv4, protocol::tcp);
  if (listener.bind(endpoint::parse("127.0.0.1:7007")) || listener.listen()) return 1;
  poller loop;
  if (loop.add(listener, event::accept, &listener)) return 1;
  std::map<void*, std::unique_ptr<socket>> clients;
  ready_record ready[64];
  std::error_code ec;
  for (;;) {
    const std::size_t count = loop.wait(ready, 64, poller::infinite, ec);
    for (std::size_t i = 0; i < count; ++i) {
      void* who = ready[i].context;
      if (who == &listener) {  // accept until it would block; accept then comes again
        for (socket s = listener.accept(ec); !ec; s = listener.accept(ec)) {
          auto client = std::make_unique<socket>(std::move(s));
          if (!loop.add(*client, event::read | event::close, client.get()))
            clients.emplace(client.get(), std::move(client));
        }
        continue;
      }
      char data[4096];  // read until it would block; read then comes again
      std::size_t n = 0;
      while ((n = clients[who]->recv(data, sizeof data, ec)) > 0) std::fwrite(data, 1, n, stdout);
      if (ec != errc::would_block) clients.erase(who);  // end of stream or error: close it
    }
  }
}
