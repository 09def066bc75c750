// The protocol side of one connection in a completion-based model (asio,
// io-uring), shared by both: which read or write to submit next, what to do
// with a completion, and the drain.
//
// In such a model the kernel (or Boost.Asio) holds a pointer into the
// bytes of a write from its submission to its completion. The Connection's
// output must therefore not change meanwhile, and most Connection calls may
// change it (decoding appends responses, an eviction appends the error
// response, running out of memory frees it). So while a write is in
// flight, this session only appends the bytes that arrive to the
// connection's input; decoding them, an end of stream, an allocation
// failure and the tick wait until the write completes. Reads never target
// the Connection's own storage: the owner reads into memory of its own (a
// provided buffer, a per-connection array) and hands the bytes over, so a
// read in flight does not pin the input buffer either.
//
// At most one read and one write are in flight per connection. While a
// write is in flight, reads go on until output_soft_limit bytes wait
// undecoded, the same bound on buffered input as the readiness models'.
//
// Single-threaded: a session is used by the thread that runs its model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "servers/connection.h"
#include "servers/server.h"

namespace kv {

class CompletionSession {
 public:
  using TimePoint = Connection::TimePoint;

  // Throws std::bad_alloc, like Connection's constructor.
  CompletionSession(const ServerContext& context, ConnectionRegistry::Entry entry, TimePoint now);

  Connection& state() { return state_; }

  // True when the owner should submit a read now.
  bool should_read() const;
  // True when the owner should submit a write of next_write() now.
  bool should_write() const { return !write_in_flight_ && !failed_ && state_.wants_write(); }
  // The bytes to write; they stay valid and unchanged until on_written() or
  // on_write_failed().
  std::span<const std::uint8_t> next_write() const { return state_.pending_output(); }
  void read_submitted() { read_in_flight_ = true; }
  void write_submitted() { write_in_flight_ = true; }

  // A read delivered `bytes` (at least one).
  void on_read(std::span<const std::uint8_t> bytes, TimePoint now) noexcept;
  // A read found the end of the peer's stream.
  void on_read_eof(TimePoint now) noexcept;
  // After a read that filled its memory (more is likely waiting), reads
  // what the non-blocking socket `fd` holds now straight into the
  // connection's input, at most a few reads (net::read_into), while the
  // connection wants input; an end of stream or a failure is recorded as a
  // read's would be. For a model whose reads go through small memory of its
  // own (asio): bulk data then costs a completion per few hundred KiB, not
  // per read chunk. Call only with no read in flight.
  void read_more(int fd, TimePoint now) noexcept;
  // A read completed without data and without failing (cancelled, or the
  // model's buffers ran out): the owner may submit another.
  void on_read_ended() { read_in_flight_ = false; }
  // A write sent `n` bytes of next_write() (n may be 0).
  void on_written(std::size_t n, TimePoint now) noexcept;
  // A read or a write failed (a reset, a broken pipe): the connection is
  // to close. The other operation may still be in flight: only the failed
  // one is over, and the owner must wait for the other's completion before
  // it frees the connection.
  void on_read_failed();
  void on_write_failed();
  // Nothing could be submitted (no memory): the connection is to close.
  void on_submit_failed() { failed_ = true; }

  // The tick (Connection::on_tick), unless a write is in flight; then it is
  // skipped, and the next tick gives it.
  void on_tick(TimePoint now) noexcept;
  // Sends the FIN the connection may ask for, once nothing is in flight
  // for writing. Call after every completion and tick.
  void shut_down_writing_if_asked(int fd, TimePoint now);

  bool read_in_flight() const { return read_in_flight_; }
  bool write_in_flight() const { return write_in_flight_; }
  bool in_flight() const { return read_in_flight_ || write_in_flight_; }
  // True once the owner should close the socket (cancelling what is in
  // flight first).
  bool should_close(TimePoint now) const { return failed_ || state_.should_close(now); }

 private:
  // Applies what waited for the write to complete.
  void catch_up(TimePoint now) noexcept;

  Connection state_;
  std::size_t output_soft_limit_;
  bool read_in_flight_ = false;
  bool write_in_flight_ = false;
  // Bytes arrived while a write was in flight and are not decoded yet.
  bool input_waiting_ = false;
  bool eof_waiting_ = false;
  bool out_of_memory_waiting_ = false;
  bool failed_ = false;
};

// One connection of a completion-based model in its drain.
struct DrainingConnection {
  int fd;
  Connection* state;
};

// The drain (SPEC 12.5) of a completion-based model, once nothing is in
// flight on any of `connections` any more: puts each socket in
// non-blocking mode and gives every connection a round of the readiness
// models' non-blocking I/O (nonblocking_session.h) every few milliseconds,
// until each is done or the shutdown phase says stop. Returns with every
// connection that is done removed from `connections`; the caller closes
// them all.
void drain_connections(std::vector<DrainingConnection>& connections, const Shutdown& shutdown);

}  // namespace kv
