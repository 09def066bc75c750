// One connection of broken_kvserver, served by its own thread with blocking
// I/O. Its correct behaviour follows SPEC sections 2 to 9; the connection
// flaws (see flaw.h) each change one step of it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <vector>

#include "broken_handler.h"
#include "broken_store.h"
#include "codec/buffer.h"
#include "codec/message.h"
#include "flaw.h"
#include "frame_source.h"

namespace kv {

// What every connection of one server shares.
struct ServerContext {
  Flaw flaw = Flaw::kNone;
  std::uint32_t max_frame_len = 0;
  BrokenStore store;
  // Held while a frame arrives, under the head-of-line flaw only.
  std::mutex frame_mutex;
  // The sockets of the connections being served, for reject-while-busy.
  std::mutex open_mutex;
  std::set<int> open_fds;

  // Whether a connection is being served whose peer has not closed it yet.
  bool has_live_connection();

  // The wedge flaws: once set, no connection is answered or accepted.
  std::atomic<bool> wedged{false};
  // Connections accepted so far (accept-limit).
  std::atomic<int> accepted{0};
  // Connection slots taken (leak-slot-on-error-paths).
  std::atomic<int> slots_taken{0};
  // Held while a connection writes, under global-write-lock only.
  std::mutex write_mutex;
  // Connections ended so far (slower-every-connection).
  std::atomic<int> ended{0};

  // The drain (SPEC 12.5). Once `draining` is set, every connection
  // finishes as Connection::drain() says, by `drain_deadline` at the
  // latest; `drain_wake_fd` (the read end of a pipe, written once when
  // the drain starts) wakes the connections blocked waiting for input.
  std::atomic<bool> draining{false};
  std::chrono::steady_clock::time_point drain_deadline{};
  int drain_wake_fd = -1;
  // Connections whose object still exists: the drain ends when none is
  // left.
  std::atomic<int> live_connections{0};
};

// Blocks the calling thread for good (the wedge flaws); the process still
// exits on SIGTERM, once its drain time has passed.
[[noreturn]] void wedge_forever();

class Connection {
 public:
  // Takes ownership of the connected socket `fd`.
  Connection(int fd, ServerContext& context);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Serves the connection until it is closed, or until the drain has
  // finished it.
  void run();

 private:
  enum class Step { kContinue, kStop };
  using Clock = std::chrono::steady_clock;

  // A request of the current read whose handling the order flaws put off
  // (reads-before-writes, pipeline-in-reverse), and the place in batch_
  // its response fills.
  struct Deferred {
    std::size_t slot;
    Message request;
  };

  // `fin_follows`: the peer's FIN came right after these bytes (looked for
  // under the drop-last-on-fin flaw only).
  Step on_bytes(std::span<const std::uint8_t> bytes, bool fin_follows);
  void on_eof();
  // Handles the requests put off during this read, in the order the order
  // flaws give them, and fills in their responses.
  void run_deferred();
  // leak-slot-on-error-paths: takes a slot, or returns false when none is
  // left; release_slot() gives it back (on the orderly path only).
  bool take_slot();
  void release_slot();
  // The drain (SPEC 12.5): reads until a read finds no byte available,
  // answers every complete request, sends the error response in place of
  // a trailing partial frame (not under drain-drops-partial), then a FIN,
  // and closes once the peer has acknowledged everything or closed.
  void drain();
  void after_framing_error();
  // The crash and wedge flaws' reaction to a framing error of class `error`.
  void crash_or_wedge_on(FrameError error);
  void apply_truncated_frame(std::span<const std::uint8_t> partial);
  std::chrono::milliseconds read_timeout() const;
  // Sends the responses collected from one read, in order.
  std::error_code send_batch();
  // Writes `bytes` as the output flaws say: blocking until all is sent, or
  // (timeout-while-output-pending) only until 1 s after the last input.
  std::error_code write_out(std::span<const std::uint8_t> bytes);
  // drop-on-backpressure: writes each response whole if the socket takes
  // bytes now, and drops it otherwise.
  std::error_code write_dropping_on_backpressure();
  // Appends the response's frame to `out`; true if the truncate-large-writes
  // flaw cut it short.
  bool append_response(const Message& response, Buffer& out) const;
  std::error_code encode_response(const Message& response, Buffer& frame) const;
  void lock_frame_mutex();
  void unlock_frame_mutex_between_frames();
  void close_now();
  // Gives up ownership of the socket (for a graceful close) and returns it.
  int take_fd();

  int fd_;
  ServerContext& context_;
  Flaw flaw_;
  BrokenStore own_store_;  // Used instead of the shared one by per-connection-store.
  BrokenHandler handler_;
  std::unique_ptr<FrameSource> source_;
  std::vector<Message> batch_;
  std::vector<Deferred> deferred_;
  bool holds_slot_ = false;
  std::unique_lock<std::mutex> frame_lock_;
  Clock::time_point last_frame_time_;
  // When the last input byte arrived (timeout-while-output-pending).
  Clock::time_point last_input_time_;
  // stop-after-pause: set once the connection was idle too long.
  bool muted_ = false;
};

}  // namespace kv
