// The per-connection protocol state machine that every server model shares.
//
// A Connection does no I/O. Its owner reads socket bytes into input() and
// calls on_input(), reports end of stream with on_eof(), writes
// pending_output() to the socket and reports progress with
// on_output_written(), and calls on_tick() periodically. The wants_*() and
// should_close() queries tell the owner what to do next. The life of a
// connection:
//
//   open --EOF--> flushing --output empty--> done (close)
//     |                                          ^
//     +--framing error, eviction, out of memory, drain--> flushing, then FIN
//                                   --> lingering --EOF or deadline--+
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
// * resources (SPEC 12.1-12.4): a connection that runs out of memory, or
//   that the registry evicts for the memory budget or for a slot, discards
//   its unanswered input and closes like a framing error; the error
//   response takes the place of the input it discarded (none if it held
//   none). While the server is over its budget and this connection holds
//   more than the floor, it neither reads nor decodes (paused()). When the
//   budget is tight, a request whose response would be larger than the
//   floor is answered only once the registry can count that response in
//   the budget; until then it waits, decoded, and the connection pauses.
// * drain (SPEC 12.5): after begin_drain() the owner keeps reading until a
//   read finds nothing and then calls on_input_drained(): every complete
//   request has been answered, a partial frame gets the error response,
//   and the connection closes like after a framing error, except that the
//   lingering also ends once the peer has acknowledged every byte sent.
// * idle timeout (SPEC 9.1-9.3): the connection is closed when neither a
//   byte was read nor a byte was written for idle_timeout.
// * storage: buffers and messages keep up to retained_storage_bytes
//   between requests, so a busy connection does not allocate per request;
//   larger storage is freed as soon as it is empty. on_tick() frees all of
//   it once the connection has had no traffic for buffer_retention, so an
//   idle connection holds no buffer or message memory.
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
#include "servers/connection_registry.h"
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
  // own timer granularity). Also bounds every lingering close.
  std::chrono::milliseconds error_close_delay{800};
  // Storage up to this size is kept between requests; larger storage is
  // freed as soon as it is empty.
  std::size_t retained_storage_bytes = std::size_t{64} * 1024;
  // Empty buffers and messages keep their storage until the connection has
  // had no traffic for this long (see Connection::on_tick).
  std::chrono::milliseconds buffer_retention{100};
};

class Connection {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  // `handler` must outlive the connection. `entry` is the connection's
  // place in its server's registry; an empty one means no budget and no
  // eviction. Throws std::invalid_argument if options.max_frame_len is out
  // of range (see DecoderOptions).
  Connection(const RequestHandler& handler, const ConnectionOptions& options, TimePoint now,
             ConnectionRegistry::Entry entry = {});

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
  void on_write_shutdown(TimePoint now);

  // Call at least once per tick (100 ms): acts on an eviction asked for by
  // another thread, resumes decoding after a pause for the budget, and
  // frees the storage of an idle connection.
  void on_tick(TimePoint now);
  // Call when an allocation for this connection failed (std::bad_alloc
  // escaped one of the calls above or the owner's read into input()): the
  // connection frees what it holds and closes with the error response, or
  // at once if even that cannot be allocated (SPEC 12.1).
  void on_out_of_memory(TimePoint now) noexcept;

  // Starts the drain (SPEC 12.5): the owner keeps reading while
  // wants_read(), and calls on_input_drained() after a read that found no
  // byte available.
  void begin_drain();
  void on_input_drained(TimePoint now);
  bool draining() const { return draining_; }
  // True while draining and lingering: the owner may call
  // on_output_acknowledged() once the peer has acknowledged every byte.
  bool wants_acknowledgement() const { return draining_ && phase_ == Phase::kLingering; }
  void on_output_acknowledged();

  // True while the owner should read from the socket.
  bool wants_read() const;
  // True while responses are pending.
  bool wants_write() const { return !output_.empty(); }
  // True once the owner should shut the socket down for writing.
  bool wants_write_shutdown() const;
  // True while the connection neither reads nor decodes because the server
  // is over its memory budget, or a response waits for room in it;
  // on_tick() resumes it.
  bool paused() const {
    return phase_ == Phase::kOpen && (request_waiting_ || entry_.must_pause());
  }
  // True once the owner should close the socket.
  bool should_close(TimePoint now) const { return phase_ == Phase::kDone || now >= deadline(); }
  // The instant after which should_close() turns true unless traffic
  // happens first; TimePoint::max() when there is none.
  TimePoint deadline() const;

  std::size_t buffered_input_bytes() const { return decoder_.input().readable_bytes(); }
  std::size_t pending_output_bytes() const { return output_.readable_bytes(); }
  // The heap bytes held by the buffers and the reused messages: what the
  // connection reports to the memory budget.
  std::size_t held_bytes() const;

 private:
  enum class Phase {
    kOpen,                  // Decoding and answering.
    kFlushingThenClose,     // Input ended; writing the last responses.
    kFlushingThenShutdown,  // Closing early; writing the last responses.
    kLingering,             // FIN sent; discarding input.
    kDone,                  // Ready to be closed.
  };

  void decode_available(TimePoint now);
  // Answers request_, once the budget has room for its response; false
  // (request_ kept, request_waiting_ set) while it has none.
  bool answer_request(TimePoint now);
  // True if unanswered input would be discarded by closing now.
  bool holds_unanswered_input() const { return request_waiting_ || !decoder_.input().empty(); }
  void enter_framing_error(TimePoint now);
  // Stops taking input: discards what is buffered, adds the error response
  // if `answer_with_error`, and closes after flushing, at the latest at
  // `close_by`.
  void close_early(bool answer_with_error, TimePoint close_by);
  void append_response(const Message& response);
  void finish_flushing_if_done();
  void discard_input();
  // Frees storage larger than `keep` bytes that holds nothing.
  void release_empty_storage(std::size_t keep);
  // Acts on an eviction, frees large empty storage and reports to the
  // registry; every public call that changes state ends with it.
  void settle(TimePoint now);

  const RequestHandler& handler_;
  ConnectionOptions options_;
  FrameDecoder decoder_;
  Buffer output_;
  // Reused for every request and response, to reuse their string storage.
  Message request_;
  Message response_;
  ConnectionRegistry::Entry entry_;
  Phase phase_ = Phase::kOpen;
  bool eof_seen_ = false;
  bool draining_ = false;
  // request_ holds a decoded request that waits for room in the budget.
  bool request_waiting_ = false;
  TimePoint last_activity_;
  // When the last request was completed, or the connection opened.
  TimePoint waiting_since_;
  TimePoint close_deadline_ = TimePoint::max();
};

}  // namespace kv
