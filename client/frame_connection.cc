#include "client/frame_connection.h"

#include <poll.h>

#include <utility>

#include "codec/frame_encoder.h"
#include "net/tcp_connect.h"

namespace kv {
namespace {

// How many bytes one read may move into the decoder.
constexpr std::size_t kReadChunkBytes = 64 * 1024;

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
      return result.reset ? "connection reset by the server" : "connection closed by the server";
    case ReceiveStatus::kTruncated:
      return result.reset ? "connection reset by the server inside a response frame"
                          : "connection closed by the server inside a response frame";
    case ReceiveStatus::kTimeout:
      return "no response before the timeout";
    case ReceiveStatus::kIoError:
      return "receive failed: " + result.error.message();
  }
  return "unknown receive status";
}

FrameConnection::FrameConnection(net::UniqueFd socket, std::uint32_t max_frame_len)
    : socket_(std::move(socket)), decoder_(DecoderOptions{max_frame_len}) {}

FrameConnection FrameConnection::connect(const Endpoint& endpoint, const ConnectOptions& options,
                                         std::error_code& error) {
  net::UniqueFd socket;
  error = net::connect_tcp(endpoint, {options.timeout, options.receive_buffer_bytes}, socket);
  if (error) return {};
  return FrameConnection(std::move(socket), options.max_frame_len);
}

std::error_code FrameConnection::send(std::span<const std::uint8_t> bytes,
                                      std::chrono::milliseconds timeout) {
  if (!connected()) return std::make_error_code(std::errc::not_connected);
  return net::write_all(socket_.get(), bytes, net::deadline_after(timeout));
}

std::error_code FrameConnection::send_reading_responses(std::span<const std::uint8_t> bytes,
                                                        std::chrono::milliseconds timeout) {
  if (!connected()) return std::make_error_code(std::errc::not_connected);
  const net::Deadline deadline = net::deadline_after(timeout);
  for (;;) {
    const net::WriteResult written = net::write_some(socket_.get(), bytes);
    if (written.error) return written.error;
    bytes = bytes.subspan(written.bytes);
    if (bytes.empty()) return {};
    // Wait for room, and take in responses meanwhile.
    const short wanted = ended_ ? POLLOUT : POLLOUT | POLLIN;
    short ready = 0;
    if (const std::error_code waited = net::wait_ready(socket_.get(), wanted, deadline, &ready)) {
      return waited;
    }
    if (!ended_ && (ready & POLLIN) != 0) {
      if (const std::error_code filled = fill(net::Clock::now());
          filled && filled != std::errc::timed_out) {
        return filled;
      }
    }
  }
}

std::error_code FrameConnection::send(std::string_view bytes, std::chrono::milliseconds timeout) {
  return send(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
              timeout);
}

std::error_code FrameConnection::send_message(const Message& message,
                                              std::chrono::milliseconds timeout) {
  Buffer frame;
  if (const std::error_code encoded = encode_frame(message, frame, kMaxConfigurableFrameLen)) {
    return encoded;
  }
  return send(frame.readable(), timeout);
}

ReceiveResult FrameConnection::receive(Message& message, std::chrono::milliseconds timeout) {
  const net::Deadline deadline = net::deadline_after(timeout);
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
    if (!connected()) {
      return {ReceiveStatus::kIoError, std::make_error_code(std::errc::not_connected)};
    }
    if (const std::error_code filled = fill(deadline)) {
      const bool timed_out = filled == std::errc::timed_out;
      return {timed_out ? ReceiveStatus::kTimeout : ReceiveStatus::kIoError, filled};
    }
  }
}

std::error_code FrameConnection::fill(net::Deadline deadline) {
  Buffer& input = decoder_.input();
  input.ensure_writable(kReadChunkBytes);
  const net::ReadResult got =
      net::read_some(socket_.get(), {input.write_ptr(), kReadChunkBytes}, deadline);
  if (got.bytes > 0) {
    input.commit(got.bytes);
    return {};
  }
  if (got.eof || got.error == std::errc::connection_reset) {
    ended_ = true;
    reset_ = !got.eof;
    return {};
  }
  return got.error;
}

ReceiveResult FrameConnection::end_of_stream() {
  const DecodeResult finished = decoder_.finish();
  const std::error_code reset_error =
      reset_ ? std::make_error_code(std::errc::connection_reset) : std::error_code();
  if (finished.status == DecodeStatus::kNeedMore) {
    return {ReceiveStatus::kClosed, reset_error, reset_};
  }
  return {ReceiveStatus::kTruncated, finished.error, reset_};
}

std::error_code FrameConnection::shutdown_send() {
  if (!connected()) return std::make_error_code(std::errc::not_connected);
  return net::shutdown_send(socket_.get());
}

}  // namespace kv
