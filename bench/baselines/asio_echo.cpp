// SPDX-License-Identifier: MIT
// evsel-bench-asio-echo: the echo server as a typical Boost.Asio program has it, for
// comparison with evsel-echo-server: a session per connection reads some, writes it all
// back, reads again.
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include <boost/asio.hpp>

#include "baseline_common.hpp"

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

constexpr const char* program = "evsel-bench-asio-echo";

class session : public std::enable_shared_from_this<session> {
 public:
  explicit session(tcp::socket socket) : socket_(std::move(socket)) {}

  void start() { read(); }

 private:
  void read() {
    socket_.async_read_some(asio::buffer(buffer_),
                            [this, self = shared_from_this()](error_code ec, std::size_t n) {
                              if (!ec) write(n);
                            });
  }

  void write(std::size_t n) {
    asio::async_write(socket_, asio::buffer(buffer_, n),
                      [this, self = shared_from_this()](error_code ec, std::size_t) {
                        if (!ec) read();
                      });
  }

  tcp::socket socket_;
  // 16 KiB with every session, idle or not: the size typical Asio code gives its buffer.
  std::array<char, 16 * 1024> buffer_;
};

class echo_server {
 public:
  echo_server(asio::io_context& io, const tcp::endpoint& local)
      : io_(io), acceptor_(io, local), retry_(io), signals_(io, SIGINT, SIGTERM) {
    signals_.async_wait([this](error_code ec, int) {
      if (ec) return;
      acceptor_.close();
      io_.stop();  // the sessions go with the io_context
    });
  }

  void accept() {
    acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        std::make_shared<session>(std::move(socket))->start();
        accept();
        return;
      }
      // Out of descriptors, say: the connection stays queued, so accepting again at once
      // would fail at once, forever.
      std::fprintf(stderr, "%s: accept: %s; not accepting for 100 ms\n", program,
                   ec.message().c_str());
      retry_.expires_after(std::chrono::milliseconds(100));
      retry_.async_wait([this](error_code wait_ec) {
        if (!wait_ec) accept();
      });
    });
  }

  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

 private:
  asio::io_context& io_;
  tcp::acceptor acceptor_;  // opened with SO_REUSEADDR, listening with SOMAXCONN
  asio::steady_timer retry_;
  asio::signal_set signals_;
};

}  // namespace

int main(int argc, char** argv) {
  evsel_bench::socket_address address;
  const int status =
      evsel_bench::read_command_line(argc, argv, program,
                                     "Echoes every byte back: Boost.Asio, one thread, for "
                                     "comparison with evsel-echo-server.",
                                     "127.0.0.1:7009", address);
  if (status >= 0) return status;
  tcp::endpoint local;
  std::memcpy(local.data(), &address.storage, address.size);
  local.resize(address.size);
  try {
    asio::io_context io(1);  // one thread runs it
    echo_server server(io, local);
    server.accept();
    const tcp::endpoint bound = server.local_endpoint();
    const bool v6 = bound.address().is_v6();
    std::fprintf(stderr, "%s: listening on %s%s%s:%u\n", program, v6 ? "[" : "",
                 bound.address().to_string().c_str(), v6 ? "]" : "",
                 static_cast<unsigned>(bound.port()));
    io.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", program, e.what());
    return 1;
  }
  std::fprintf(stderr, "%s: stopping\n", program);
  return 0;
}
