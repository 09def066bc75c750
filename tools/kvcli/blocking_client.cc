#include "tools/kvcli/blocking_client.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <utility>

#include "codec/frame_encoder.h"

namespace kv {
namespace {

using Clock = std::chrono::steady_clock;

// How many bytes one recv() may move into the decoder.
constexpr std::size_t kReadChunkBytes = 64 * 1024;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

std::error_code last_error() {
  return {errno, std::system_category()};
}

// Waits until `fd` is ready for `events` or `deadline` passes. Returns an
// empty error_code when ready (or when the peer hung up or failed: the next
// I/O call reports that), std::errc::timed_out, or poll's errno.
std::error_code wait_ready(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd entry{fd, events, 0};
    const int ready = ::poll(&entry, 1, remaining_ms(deadline));
    if (ready > 0) return {};
    if (ready == 0) return std::make_error_code(std::errc::timed_out);
    if (errno != EINTR) return last_error();
  }
}

struct AddrinfoDeleter {
  void operator()(addrinfo* list) const { ::freeaddrinfo(list); }
};
using AddrinfoList = std::unique_ptr<addrinfo, AddrinfoDeleter>;

// Resolves `endpoint` to a list of TCP addresses.
AddrinfoList resolve(const Endpoint& endpoint, std::error_code& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* list = nullptr;
  const std::string port = std::to_string(endpoint.port);
  const int rc = ::getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &list);
  if (rc != 0) {
    // getaddrinfo's own codes are not errnos; report a lookup failure.
    error = std::make_error_code(std::errc::address_not_available);
    return AddrinfoList(nullptr);
  }
  return AddrinfoList(list);
}

// Opens a non-blocking socket for `address` and connects it before
// `deadline`. Returns the socket, or -1 with `error` set.
int connect_one(const addrinfo& address, const ConnectOptions& options, Clock::time_point deadline,
                std::error_code& error) {
  const int fd = ::socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                          address.ai_protocol);
  if (fd < 0) {
    error = last_error();
    return -1;
  }
  const int one = 1;
  if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
      (options.receive_buffer_bytes > 0 &&
       ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &options.receive_buffer_bytes,
                    sizeof options.receive_buffer_bytes) != 0)) {
    error = last_error();
    ::close(fd);
    return -1;
  }
  if (::connect(fd, address.ai_addr, address.ai_addrlen) != 0) {
    if (errno != EINPROGRESS) {
      error = last_error();
      ::close(fd);
      return -1;
    }
    error = wait_ready(fd, POLLOUT, deadline);
    int pending = 0;
    socklen_t pending_size = sizeof pending;
    if (!error && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &pending, &pending_size) != 0) {
      error = last_error();
    } else if (!error && pending != 0) {
      error = {pending, std::system_category()};
    }
    if (error) {
      ::close(fd);
      return -1;
    }
  }
  error.clear();
  return fd;
}

}  // namespace

std::string describe(const ReceiveResult& result) {
  switch (result.status) {
    case ReceiveStatus::kMessage:
      return "a response";
    case ReceiveStatus::kBadBody:
      return "a response whose body is not a KeyValueMessage";
    case ReceiveStatus::kFramingError:
      return "bytes that are not a frame (" + result.error.message() + ")";
    case ReceiveStatus::kClosed:
      return result.error ? "connection reset by the server" : "connection closed by the server";
    case ReceiveStatus::kTruncated:
      return "connection closed by the server inside a response frame";
    case ReceiveStatus::kTimeout:
      return "no response before the timeout";
    case ReceiveStatus::kIoError:
      return "receive failed: " + result.error.message();
  }
  return "unknown receive status";
}

BlockingClient::BlockingClient(int fd, std::uint32_t max_frame_len)
    : fd_(fd), decoder_(DecoderOptions{max_frame_len}) {}

BlockingClient::BlockingClient(BlockingClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      decoder_(std::move(other.decoder_)),
      ended_(other.ended_),
      end_error_(other.end_error_) {}

BlockingClient& BlockingClient::operator=(BlockingClient&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    decoder_ = std::move(other.decoder_);
    ended_ = other.ended_;
    end_error_ = other.end_error_;
  }
  return *this;
}

BlockingClient::~BlockingClient() {
  close();
}

BlockingClient BlockingClient::connect(const Endpoint& endpoint, const ConnectOptions& options,
                                       std::error_code& error) {
  error.clear();
  const auto deadline = Clock::now() + options.timeout;
  const AddrinfoList addresses = resolve(endpoint, error);
  if (error) return {};
  for (const addrinfo* address = addresses.get(); address != nullptr; address = address->ai_next) {
    const int fd = connect_one(*address, options, deadline, error);
    if (fd >= 0) return BlockingClient(fd, options.max_frame_len);
  }
  if (!error) error = std::make_error_code(std::errc::address_not_available);
  return {};
}

std::error_code BlockingClient::send(std::span<const std::uint8_t> bytes,
                                     std::chrono::milliseconds timeout) {
  if (fd_ < 0) return std::make_error_code(std::errc::not_connected);
  const auto deadline = Clock::now() + timeout;
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent > 0) {
      bytes = bytes.subspan(static_cast<std::size_t>(sent));
      continue;
    }
    if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return last_error();
    }
    if (const std::error_code waited = wait_ready(fd_, POLLOUT, deadline)) return waited;
  }
  return {};
}

std::error_code BlockingClient::send(std::string_view bytes, std::chrono::milliseconds timeout) {
  return send(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
              timeout);
}

std::error_code BlockingClient::send_message(const Message& message,
                                             std::chrono::milliseconds timeout) {
  Buffer frame;
  if (const std::error_code encoded = encode_frame(message, frame, kMaxConfigurableFrameLen)) {
    return encoded;
  }
  return send(frame.readable(), timeout);
}

ReceiveResult BlockingClient::receive(Message& message, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const DecodeResult decoded = decoder_.next(message);
    switch (decoded.status) {
      case DecodeStatus::kFrame:
        return {ReceiveStatus::kMessage, {}};
      case DecodeStatus::kBadBody:
        return {ReceiveStatus::kBadBody, decoded.error};
      case DecodeStatus::kFramingError:
        return {ReceiveStatus::kFramingError, decoded.error};
      case DecodeStatus::kNeedMore:
        break;
    }
    if (ended_) return end_of_stream();
    if (fd_ < 0) return {ReceiveStatus::kIoError, std::make_error_code(std::errc::not_connected)};
    if (const std::error_code filled = fill(deadline)) {
      const bool timed_out = filled == std::errc::timed_out;
      return {timed_out ? ReceiveStatus::kTimeout : ReceiveStatus::kIoError, filled};
    }
  }
}

std::error_code BlockingClient::fill(Clock::time_point deadline) {
  for (;;) {
    Buffer& input = decoder_.input();
    input.ensure_writable(kReadChunkBytes);
    const ssize_t got = ::recv(fd_, input.write_ptr(), kReadChunkBytes, MSG_DONTWAIT);
    if (got > 0) {
      input.commit(static_cast<std::size_t>(got));
      return {};
    }
    if (got == 0 || errno == ECONNRESET) {
      if (got < 0) end_error_ = last_error();
      ended_ = true;
      return {};
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return last_error();
    if (const std::error_code waited = wait_ready(fd_, POLLIN, deadline)) return waited;
  }
}

ReceiveResult BlockingClient::end_of_stream() {
  const DecodeResult finished = decoder_.finish();
  if (finished.status == DecodeStatus::kNeedMore) return {ReceiveStatus::kClosed, end_error_};
  return {ReceiveStatus::kTruncated, finished.error};
}

std::error_code BlockingClient::shutdown_send() {
  if (fd_ < 0) return std::make_error_code(std::errc::not_connected);
  if (::shutdown(fd_, SHUT_WR) != 0) return last_error();
  return {};
}

void BlockingClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace kv
