// One client connection of a case: sends bytes in a stream shape, decodes
// responses with the codec's FrameDecoder, and records everything in the
// case's wire log (SPEC 7.3: responses are reassembled however split).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "codec/frame_decoder.h"
#include "conformance/engine/case_result.h"
#include "conformance/wire/read_event.h"
#include "conformance/wire/stream_shapes.h"
#include "conformance/wire/wire_log.h"

namespace kv {

class WireSession;

struct ConnectResult {
  std::unique_ptr<WireSession> session;
  std::string error;  // Set when session is null.
  // The socket error behind `error`, if any (none for a timeout): a caller
  // tells the client's own shortages (no free local port, no descriptor)
  // from a server that refuses.
  std::error_code code;
};

class WireSession {
 public:
  // Extra room over the configured maximum when decoding responses, so a
  // server that writes default fields out explicitly (SPEC 4.5) is not
  // rejected for the few bytes that adds to a response of maximal size.
  static constexpr std::uint32_t kResponseSlack = 16;

  WireSession(boost::asio::ip::tcp::socket socket, WireLog& log, int id,
              std::uint32_t max_frame_bytes);
  WireSession(const WireSession&) = delete;
  WireSession& operator=(const WireSession&) = delete;
  ~WireSession();

  // Connects with TCP_NODELAY set, within `timeout`.
  static boost::asio::awaitable<ConnectResult> connect(const boost::asio::ip::tcp::endpoint& to,
                                                       WireLog& log, int id,
                                                       std::chrono::milliseconds timeout,
                                                       std::uint32_t max_frame_bytes);

  // Sends `bytes` as the writes `shape` plans. Fails if the server closes
  // or resets the connection, or if the writes do not finish in `timeout`.
  boost::asio::awaitable<Check> send(std::string_view bytes, const StreamShape& shape,
                                     std::chrono::milliseconds timeout);
  boost::asio::awaitable<Check> send(std::string_view bytes, std::chrono::milliseconds timeout);

  // Waits for the next response frame, the end of the connection, or a
  // timeout, whichever comes first. The timeout is `timeout` after the
  // call, moved on to `timeout` after each read that brings bytes of an
  // unfinished frame, but never past kSteadyFrameFactor x `timeout` after
  // the call: a large response that keeps arriving is waited for (a
  // correct server may write slowly, SPEC 7.3), a stalled one is not.
  boost::asio::awaitable<ReadEvent> read_frame(std::chrono::milliseconds timeout);

  // How many times its timeout read_frame() waits at most for a frame
  // whose bytes keep arriving.
  static constexpr int kSteadyFrameFactor = 4;

  // Whether the server has closed or reset the connection, when a read
  // saw it, and when the last read that brought bytes returned (the
  // session's start if none did).
  bool ended_by_server() const { return ended_; }
  std::chrono::steady_clock::time_point ended_at() const { return ended_at_; }
  std::chrono::steady_clock::time_point last_byte_at() const { return last_byte_at_; }

  // Shuts down the sending side (FIN): "client half-closed".
  void shutdown_send();
  // Closes the socket: "client closed".
  void close();
  // Closes the socket with SO_LINGER 0, so the kernel sends a reset (RST)
  // instead of a FIN and drops unsent bytes: "client reset".
  void reset();

 private:
  boost::asio::awaitable<Check> write_planned(std::string_view bytes, const StreamShape& shape);
  boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds duration);
  ReadEvent end_of_stream(ReadEventKind kind, std::string detail);
  // What has arrived so far, for a timeout: bytes, whole frames, and the
  // unfinished frame's size and first bytes.
  std::string progress() const;

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  WireLog& log_;
  int id_;
  FrameDecoder decoder_;
  bool ended_ = false;   // The server closed or reset the connection.
  ReadEvent end_event_;  // Repeated by every read after the end.
  bool closed_ = false;  // The client closed the socket.
  std::uint64_t bytes_received_ = 0;
  std::uint64_t frames_received_ = 0;
  std::chrono::steady_clock::time_point ended_at_{};
  std::chrono::steady_clock::time_point last_byte_at_ = std::chrono::steady_clock::now();
};

}  // namespace kv
