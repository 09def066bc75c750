// One client connection to a KV server, frame by frame: it sends bytes or
// request frames and receives response frames, reassembled with the
// codec's FrameDecoder however the server splits them (SPEC 2.5, 7.3).
// KvClient (kv_client.h) builds requests and replies on it; tests use it
// directly to send arbitrary bytes.
//
// Every call takes a timeout and returns when it is done, when it failed or
// when the timeout passed; no call can block forever. The socket is
// non-blocking and each wait is a poll(2) bounded by the time left.
//
// One thread may send() while another thread receive()s on the same
// connection; any other sharing needs a lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "codec/frame_decoder.h"
#include "codec/message.h"
#include "net/endpoint.h"
#include "net/socket_io.h"
#include "net/unique_fd.h"

namespace kv {

struct ConnectOptions {
  std::chrono::milliseconds timeout{5000};
  // When positive, SO_RCVBUF is set to this many bytes before connecting,
  // so that a slow reader makes the peer's writes back up quickly.
  int receive_buffer_bytes = 0;
  // The largest response LEN the client accepts (SPEC 3.1).
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
  // The peer closed or reset the connection inside a frame.
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
  // True when the stream ended with a reset (ECONNRESET) rather than a
  // FIN; only for kClosed and kTruncated.
  bool reset = false;
};

// A short English description of a receive result, for error messages.
std::string describe(const ReceiveResult& result);

class FrameConnection {
 public:
  FrameConnection() = default;
  FrameConnection(FrameConnection&&) noexcept = default;
  FrameConnection& operator=(FrameConnection&&) noexcept = default;

  // Connects to `endpoint` (HOST is resolved). On failure `error` says why
  // (see net/tcp_connect.h) and the returned connection is not connected.
  static FrameConnection connect(const Endpoint& endpoint, const ConnectOptions& options,
                                 std::error_code& error);

  bool connected() const { return socket_.valid(); }

  // Sends all of `bytes`, waiting at most `timeout` for the socket to take
  // them. Returns std::errc::timed_out if they were not all taken in time,
  // or the errno. Touches nothing but the socket, so one thread may send()
  // while another receive()s.
  std::error_code send(std::span<const std::uint8_t> bytes, std::chrono::milliseconds timeout);
  std::error_code send(std::string_view bytes, std::chrono::milliseconds timeout);
  // Like send(), but while the socket is full it moves arriving responses
  // into the decoder, so that a server that stops reading until its
  // answers are read (SPEC 8.1) cannot deadlock a long pipeline. Not for
  // use while another thread receive()s.
  std::error_code send_reading_responses(std::span<const std::uint8_t> bytes,
                                         std::chrono::milliseconds timeout);
  // Sends `message` as one frame.
  std::error_code send_message(const Message& message, std::chrono::milliseconds timeout);

  // Receives the next response into `message`, waiting at most `timeout`.
  // Frames already buffered are returned before the end of the stream is.
  ReceiveResult receive(Message& message, std::chrono::milliseconds timeout);

  // Shuts down the sending side (the peer reads end-of-stream); receiving
  // goes on.
  std::error_code shutdown_send();

  // Closes the socket. Idempotent.
  void close() { socket_.reset(); }

 private:
  FrameConnection(net::UniqueFd socket, std::uint32_t max_frame_len);
  // Moves what the socket holds into the decoder, waiting until `deadline`
  // for bytes. Returns an empty error_code once bytes arrived or the stream
  // ended (ended_ is then set); std::errc::timed_out or the errno
  // otherwise.
  std::error_code fill(net::Deadline deadline);
  // The result once the stream has ended and no whole frame is buffered.
  ReceiveResult end_of_stream();

  net::UniqueFd socket_;
  FrameDecoder decoder_;
  bool ended_ = false;
  bool reset_ = false;
};

}  // namespace kv
