// A small blocking client for the KV protocol over TCP: kvcli and the
// server integration tests share it.
//
// Every call takes a timeout and returns when it is done, when it failed or
// when the timeout passed; no call can block forever. Internally the socket
// is non-blocking and each wait is a poll(2) bounded by the time left.
// Responses are reassembled with the codec's FrameDecoder (SPEC 7.3).
//
// One thread may send() while another thread receive()s on the same client
// (send() touches nothing but the socket); any other sharing needs a lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "codec/frame_decoder.h"
#include "codec/message.h"
#include "common/endpoint.h"

namespace kv {

struct ConnectOptions {
  std::chrono::milliseconds timeout{5000};
  // When positive, SO_RCVBUF is set to this many bytes before connecting,
  // so that a slow reader makes the peer's writes back up quickly.
  int receive_buffer_bytes = 0;
  // The largest response LEN the client accepts.
  std::uint32_t max_frame_len = kDefaultMaxFrameLen;
};

enum class ReceiveStatus {
  // A whole frame holding a valid message.
  kMessage,
  // A whole frame whose body is not a KeyValueMessage; the stream goes on.
  kBadBody,
  // The peer sent bytes that are not a frame (error says which class).
  kFramingError,
  // The peer closed or reset the connection on a frame boundary.
  kClosed,
  // The peer closed the connection inside a frame.
  kTruncated,
  // No whole frame arrived before the timeout.
  kTimeout,
  // A socket error other than a reset (error holds errno).
  kIoError,
};

struct ReceiveResult {
  ReceiveStatus status = ReceiveStatus::kTimeout;
  // FrameError for kBadBody, kFramingError and kTruncated; the errno for
  // kIoError and for a reset reported as kClosed; empty otherwise.
  std::error_code error;
};

// A short English description of a receive result, for error messages.
std::string describe(const ReceiveResult& result);

class BlockingClient {
 public:
  BlockingClient() = default;
  BlockingClient(const BlockingClient&) = delete;
  BlockingClient& operator=(const BlockingClient&) = delete;
  BlockingClient(BlockingClient&& other) noexcept;
  BlockingClient& operator=(BlockingClient&& other) noexcept;
  ~BlockingClient();

  // Connects to `endpoint` (HOST is resolved with getaddrinfo). On failure
  // `error` holds the errno (std::errc::timed_out after the timeout) and the
  // returned client is not connected.
  static BlockingClient connect(const Endpoint& endpoint, const ConnectOptions& options,
                                std::error_code& error);

  bool connected() const { return fd_ >= 0; }

  // Sends all of `bytes`, waiting at most `timeout` for the socket to take
  // them. Returns std::errc::timed_out if they were not all taken in time.
  std::error_code send(std::span<const std::uint8_t> bytes, std::chrono::milliseconds timeout);
  std::error_code send(std::string_view bytes, std::chrono::milliseconds timeout);
  // Sends `message` as one frame.
  std::error_code send_message(const Message& message, std::chrono::milliseconds timeout);

  // Receives the next response into `message`, waiting at most `timeout`.
  // Frames already buffered are returned before the end of the stream is.
  ReceiveResult receive(Message& message, std::chrono::milliseconds timeout);

  // Shuts down the sending side (the peer reads end-of-stream); receiving
  // goes on.
  std::error_code shutdown_send();

  // Closes the socket. Idempotent.
  void close();

 private:
  explicit BlockingClient(int fd, std::uint32_t max_frame_len);
  // Waits until `deadline` for bytes and moves what the socket holds into
  // the decoder. Returns an empty error_code once bytes arrived or the
  // stream ended (ended_ is then set); std::errc::timed_out or the errno
  // otherwise.
  std::error_code fill(std::chrono::steady_clock::time_point deadline);
  // The result once the stream has ended and no whole frame is buffered.
  ReceiveResult end_of_stream();

  int fd_ = -1;
  FrameDecoder decoder_;
  bool ended_ = false;
  std::error_code end_error_;
};

}  // namespace kv
