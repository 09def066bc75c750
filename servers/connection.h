// The per-connection protocol state machine that every server model shares.
//
// A Connection does no I/O. Its owner reads socket bytes into input() and
// calls on_input(), reports end of stream with on_eof(), writes
// pending_output() to the socket and reports progress with
// on_output_written(). The wants_*() and should_close() queries tell the
// owner what to do next. The life of a connection:
//
//   open --EOF--> flushing --output empty--> done (close)
//     |                                          ^
//     +--framing error--> flushing, then FIN --> lingering --EOF or deadline
//
// * open: complete frames are decoded and answered in order (SPEC 5.7, 8.1).
//   Decoding pauses while more than output_soft_limit bytes of responses
//   are pending, and wants_read() is false meanwhile (backpressure), so
//   buffered input never exceeds one partial frame plus one read.
// * EOF (also a half-close, SPEC 8.2): the frames already buffered are
//   answered; a trailing partial frame is discarded (SPEC 6.5).
// * framing error (SPEC 6.1-6.3): the frames before it have been answered;
//   one error response {kind 0, NotOk} follows; no more input is decoded.
//   Once the output is flushed the owner sends a FIN (shutdown for writing)
//   and reads and discards input until EOF (a "lingering close", so that
//   the peer's unread bytes cannot make the kernel reset the connection and
//   destroy responses in flight). The connection is closed at the latest
//   error_close_delay after the error, whatever the peer does.
// * idle timeout (SPEC 9.1-9.3): the connection is closed when neither a
//   byte was read nor a byte was written for idle_timeout.
// * buffers: the input and output buffers keep their storage between
//   requests, so a busy connection does not allocate per request. The owner
//   calls release_idle_buffers() periodically; it frees them once the
//   connection has had no traffic for buffer_retention, so an idle
//   connection holds no buffer memory.
//
// A Connection is used by one thread at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

#include "codec/buffer.h"
#include "codec/frame_decoder.h"
#include "codec/message.h"
#include "servers/request_handler.h"

namespace kv {

struct ConnectionOptions {
  // The largest LEN accepted, and produced (SPEC 3.1).
  std::uint32_t max_frame_len = kDefaultMaxFrameLen;
  // Closes a connection with no traffic for this long; zero disables it.
  std::chrono::milliseconds idle_timeout{10000};
  // Decoding and reading stop while more than this many response bytes are
  // pending, so pending output stays below this plus one response.
  std::size_t output_soft_limit = std::size_t{1024} * 1024;
  // After a framing error the connection is closed at the latest this long
  // later (SPEC 6.1 asks for one second; this leaves room for the I/O loop's
  // own timer granularity).
  std::chrono::milliseconds error_close_delay{800};
  // Empty buffers keep their storage until the connection has had no
  // traffic for this long (see Connection::release_idle_buffers).
  std::chrono::milliseconds buffer_retention{100};
};

class Connection {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  // `handler` must outlive the connection. Throws std::invalid_argument if
  // options.max_frame_len is out of range (see DecoderOptions).
  Connection(const RequestHandler& handler, const ConnectionOptions& options, TimePoint now);

  // Where the owner reads socket bytes (ensure_writable, write_ptr, commit).
  Buffer& input() { return decoder_.input(); }
  // Call after committing bytes to input(): answers every complete frame
  // that the backpressure limit allows.
  void on_input(TimePoint now);
  // Call when a read returned end of stream.
  void on_eof(TimePoint now);

  // The response bytes not yet written. Invalidated by any non-const call.
  std::span<const std::uint8_t> pending_output() const { return output_.readable(); }
  // Call after `n` bytes of pending_output() were written.
  void on_output_written(std::size_t n, TimePoint now);
  // Call after the owner shut the socket down for writing.
  void on_write_shutdown();

  // True while the owner should read from the socket.
  bool wants_read() const;
  // True while responses are pending.
  bool wants_write() const { return !output_.empty(); }
  // True once the owner should shut the socket down for writing.
  bool wants_write_shutdown() const;
  // True once the owner should close the socket.
  bool should_close(TimePoint now) const { return phase_ == Phase::kDone || now >= deadline(); }
  // The instant after which should_close() turns true unless traffic
  // happens first; TimePoint::max() when there is none.
  TimePoint deadline() const;

  std::size_t buffered_input_bytes() const { return decoder_.input().readable_bytes(); }
  std::size_t pending_output_bytes() const { return output_.readable_bytes(); }
  // The heap bytes held by the input and output buffers.
  std::size_t buffer_capacity() const;
  // Frees the storage of each empty buffer if there has been no traffic
  // since now - buffer_retention; otherwise does nothing. Meant to be
  // called periodically (the I/O loops call it on every tick).
  void release_idle_buffers(TimePoint now);

 private:
  enum class Phase {
    kOpen,                  // Decoding and answering.
    kFlushingThenClose,     // Input ended; writing the last responses.
    kFlushingThenShutdown,  // Framing error; writing the last responses.
    kLingering,             // FIN sent after a framing error; discarding input.
    kDone,                  // Ready to be closed.
  };

  void decode_available(TimePoint now);
  void enter_framing_error(TimePoint now);
  void append_response(const Message& response);
  void finish_flushing_if_done();
  void discard_input();

  const RequestHandler& handler_;
  ConnectionOptions options_;
  FrameDecoder decoder_;
  Buffer output_;
  // Reused for every request and response, to reuse their string storage.
  Message request_;
  Message response_;
  Phase phase_ = Phase::kOpen;
  bool eof_seen_ = false;
  TimePoint last_activity_;
  TimePoint close_deadline_ = TimePoint::max();
};

}  // namespace kv
