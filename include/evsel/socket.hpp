// SPDX-License-Identifier: MIT
// evsel: the non-blocking TCP/UDP socket whose calls are the model's re-enabling functions.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <system_error>

#include <evsel/endpoint.hpp>
#include <evsel/export.hpp>

namespace evsel {

#if defined(_WIN32)
/// The OS socket handle: SOCKET on Windows (checked against <winsock2.h> inside evsel).
using native_socket = std::uintptr_t;
inline constexpr native_socket invalid_socket = ~native_socket{0};
#else
/// The OS socket handle: a file descriptor on POSIX.
using native_socket = int;
inline constexpr native_socket invalid_socket = -1;
#endif

namespace detail {
struct socket_state;
}  // namespace detail

/// Transport protocol of a socket.
enum class protocol : std::uint8_t { tcp, udp };

/// Which direction socket::shutdown closes.
enum class shutdown_mode : std::uint8_t { receive, send, both };

/// Flags for recv and send.
enum class message_flags : std::uint8_t {
  none = 0,
  peek = 1,  ///< recv: look at the data without consuming it (re-enables read, C30).
  oob = 2,   ///< recv/send: the urgent byte. Only one urgent byte at a time is portable.
};
constexpr message_flags operator|(message_flags a, message_flags b) noexcept {
  return static_cast<message_flags>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
constexpr bool has_flag(message_flags set, message_flags flag) noexcept {
  return (static_cast<std::uint8_t>(set) & static_cast<std::uint8_t>(flag)) != 0;
}

class poller;

/// An owned, always non-blocking TCP or UDP socket.
///
/// In the WSAEventSelect model, recv, send and accept are the *re-enabling functions*: a
/// read event comes again after a recv that leaves data queued, a write event after a send
/// that would block, an accept event after an accept that leaves connections queued. evsel
/// learns of those calls through this class on every platform, so a registered socket must
/// be used only through it: raw OS calls on its native_handle() are unsupported (on POSIX
/// they would leave evsel's bookkeeping behind, and events could be missed).
///
/// Every call reports failures through std::error_code and never throws (except the
/// throwing open overload). `would block` is an ordinary result: errc::would_block.
///
/// Thread-safety: calls may come from any thread, also while another thread waits on the
/// poller the socket is registered with (what a call records ends that wait); each call
/// takes the poller's lock, so it sees and leaves the socket's state whole. Closing, moving
/// or destroying the socket must not overlap any other call on it, as with any C++ object
/// (docs/semantics.md, Threads).
class EVSEL_EXPORT socket {
 public:
  /// An empty socket (is_open() is false).
  socket() noexcept = default;
  /// Closes the socket if open (see close()).
  ~socket();
  /// Takes over `other`'s socket and registration; `other` is left empty.
  socket(socket&& other) noexcept;
  /// Closes this socket if open, then takes over `other`'s; `other` is left empty.
  socket& operator=(socket&& other) noexcept;
  socket(const socket&) = delete;
  socket& operator=(const socket&) = delete;

  /// Creates a non-blocking socket. IPv6 sockets are IPv6-only (no mapped IPv4).
  static socket open(address_family family, protocol proto, std::error_code& ec) noexcept;
  /// As above; throws std::system_error.
  static socket open(address_family family, protocol proto);

  /// True unless empty or closed.
  bool is_open() const noexcept { return state_ != nullptr; }
  /// is_open().
  explicit operator bool() const noexcept { return is_open(); }
  /// The OS handle, or invalid_socket. Do not call the OS on it while registered.
  native_socket native_handle() const noexcept;
  /// The family given to open().
  address_family family() const noexcept;
  /// TCP or UDP, as given to open().
  protocol transport() const noexcept;

  /// Binds to a local address (errc::address_in_use, errc::address_not_available, ...).
  [[nodiscard]] std::error_code bind(const endpoint& local) noexcept;
  /// Starts listening (TCP). A backlog <= 0 means the OS maximum.
  [[nodiscard]] std::error_code listen(int backlog = 0) noexcept;

  /// Starts a connection attempt and returns at once.
  ///
  /// TCP: the outcome, success or failure, arrives later as the connect event (success as
  /// connect|write in one record). Even a failure the OS knows at once (refused on
  /// loopback, network unreachable) is reported that way, never as this return value,
  /// so that every backend reports it identically. The return value is an error only for
  /// misuse: errc::not_a_socket, errc::address_family_not_supported, errc::invalid_argument
  /// (for example after a failed attempt: open a new socket), errc::already_connected,
  /// errc::connection_in_progress.
  ///
  /// UDP: sets the default peer at once (no connect event; UDP never gets one).
  [[nodiscard]] std::error_code connect(const endpoint& remote) noexcept;

  /// Takes one queued connection (re-enables accept). The new socket is non-blocking and
  /// not registered anywhere. errc::would_block when the queue is empty.
  ///
  /// When it fails for lack of descriptors or memory (errc::too_many_files_open,
  /// errc::no_buffer_space) the connection stays queued and the listener rests: accept is
  /// not reported for 50 ms, doubling with each such failure in a row up to 1 s, and then
  /// again by itself if a connection still waits. No busy loop, one error per rest, and
  /// accepting resumes without the application doing anything (docs/semantics.md). One
  /// exception: errc::no_buffer_space also comes when the OS gave a connection but evsel
  /// could not allocate its socket; that connection is closed, and no rest begins.
  socket accept(std::error_code& ec) noexcept;
  /// As above, and sets `peer` to the connecting side's address.
  socket accept(endpoint& peer, std::error_code& ec) noexcept;

  /// Receives up to `size` bytes (re-enables read and oob).
  ///
  /// TCP: returns 0 with no error at the end of the stream. After a reset, fails with
  /// errc::connection_reset. Fails with errc::would_block when nothing is queued,
  /// errc::not_connected while connecting, errc::shut_down after shutdown(receive).
  /// UDP: receives one datagram (0 bytes is a valid, empty datagram); a datagram larger
  /// than `size` fails with errc::message_size and is discarded.
  /// A null `data` or a zero `size` fails with errc::invalid_argument and re-enables
  /// nothing.
  std::size_t recv(void* data,
                   std::size_t size,
                   std::error_code& ec,
                   message_flags flags = message_flags::none) noexcept;

  /// Sends up to `size` bytes; returns how many were taken. When the OS buffer is full,
  /// fails with errc::would_block and re-enables write: a write event follows once space
  /// is back. Never raises SIGPIPE.
  std::size_t send(const void* data,
                   std::size_t size,
                   std::error_code& ec,
                   message_flags flags = message_flags::none) noexcept;

  /// UDP: receives one datagram and its sender.
  std::size_t recv_from(void* data, std::size_t size, endpoint& from, std::error_code& ec) noexcept;
  /// UDP: sends one datagram.
  std::size_t send_to(const void* data,
                      std::size_t size,
                      const endpoint& to,
                      std::error_code& ec) noexcept;

  /// Bytes that a recv could take now, without re-enabling anything (FIONREAD, C30).
  std::size_t available(std::error_code& ec) const noexcept;

  /// Shuts a direction down. send/both: the peer gets its close event once it has read
  /// everything. receive: later recv calls fail with errc::shut_down and data that still
  /// arrives is discarded by evsel; nothing is sent to the peer and no local event
  /// follows (identical on every backend).
  [[nodiscard]] std::error_code shutdown(shutdown_mode how) noexcept;

  /// Removes the socket from its poller (no record for it is ever returned afterwards),
  /// then closes it. Closing an empty socket is a no-op.
  std::error_code close() noexcept;

  /// The bound address (after bind, connect or accept).
  endpoint local_endpoint(std::error_code& ec) const noexcept;
  /// The peer's address; errc::not_connected before the connection is established.
  endpoint remote_endpoint(std::error_code& ec) const noexcept;

  /// Allow bind to an address in TIME_WAIT. On Windows that is already the default and the
  /// call does nothing there: SO_REUSEADDR would let another socket take over the port.
  [[nodiscard]] std::error_code set_reuse_address(bool enabled) noexcept;
  /// TCP_NODELAY.
  [[nodiscard]] std::error_code set_no_delay(bool enabled) noexcept;
  /// Whether TCP_NODELAY is on.
  bool no_delay(std::error_code& ec) const noexcept;
  /// SO_SNDBUF / SO_RCVBUF in bytes (Linux reports back twice what was set).
  [[nodiscard]] std::error_code set_send_buffer_size(int bytes) noexcept;
  /// SO_RCVBUF in bytes.
  [[nodiscard]] std::error_code set_receive_buffer_size(int bytes) noexcept;
  /// The current SO_SNDBUF.
  int send_buffer_size(std::error_code& ec) const noexcept;
  /// The current SO_RCVBUF.
  int receive_buffer_size(std::error_code& ec) const noexcept;
  /// SO_LINGER. Enabled with a zero timeout makes close() reset the connection; disabled
  /// (the default), close() ends it gracefully and the OS sends what is queued in the
  /// background. Enabled with a timeout above zero fails with errc::operation_not_supported
  /// and changes nothing: such a close blocks the thread up to the timeout on POSIX and fails
  /// with would-block on Windows, and evsel's close() never blocks. To know that the peer got
  /// everything, shutdown(send) and wait for its close event. Timeouts outside 0 to
  /// 65535 s fail with errc::invalid_argument.
  [[nodiscard]] std::error_code set_linger(bool enabled, std::chrono::seconds timeout) noexcept;
  /// SO_OOBINLINE: urgent bytes arrive in the normal stream and only read is reported.
  [[nodiscard]] std::error_code set_oob_inline(bool enabled) noexcept;
  /// Whether SO_OOBINLINE is on.
  bool oob_inline(std::error_code& ec) const noexcept;

  /// SO_KEEPALIVE with the OS's timing (on Linux 2 hours idle by default), or with the timing
  /// an earlier set_keep_alive(idle, interval, probes) gave this socket. TCP only: UDP sockets
  /// get errc::operation_not_supported.
  [[nodiscard]] std::error_code set_keep_alive(bool enabled) noexcept;
  /// SO_KEEPALIVE on, with its timing: the first probe after `idle` without traffic, then one
  /// every `interval`; after `probes` unanswered probes the connection fails with
  /// errc::timed_out.
  ///
  /// Limits, the same on every OS: `idle` and `interval` 1 to 32767 s, `probes` 1 to 127
  /// (Linux takes no more). Anything else fails with errc::invalid_argument and changes
  /// nothing. UDP sockets get errc::operation_not_supported.
  ///
  /// Windows before 10 version 1709, and Wine 8.0, cannot set the count: there the timing
  /// goes through SIO_KEEPALIVE_VALS and the OS's count applies (10 on Windows, Linux's 9
  /// under Wine).
  ///
  /// A failure ends the connection like a reset (docs/semantics.md, rule 5): once no unread
  /// data is left, one close event carrying errc::timed_out, and from then on recv and send
  /// fail with it, on every backend (Linux reports host_unreachable or network_unreachable
  /// instead if an ICMP error came while probing). A socket that is not registered learns of
  /// it from recv, and a later poller::add reports the close. On Windows the code may be
  /// WSAENETRESET, which compares equal to errc::timed_out; Microsoft documents
  /// WSAECONNRESET for the calls after a keep-alive failure, which evsel would report as
  /// errc::connection_reset (not verified on Windows; Wine 8.0 reports WSAETIMEDOUT).
  [[nodiscard]] std::error_code set_keep_alive(std::chrono::seconds idle,
                                               std::chrono::seconds interval,
                                               unsigned probes) noexcept;
  /// Whether SO_KEEPALIVE is on. UDP sockets get errc::operation_not_supported.
  bool keep_alive(std::error_code& ec) const noexcept;

 private:
  friend class poller;
  explicit socket(detail::socket_state* state) noexcept : state_(state) {}
  std::size_t recv_from_impl(void* data,
                             std::size_t size,
                             message_flags flags,
                             endpoint& from,
                             std::error_code& ec) noexcept;

  detail::socket_state* state_ = nullptr;
};

}  // namespace evsel
