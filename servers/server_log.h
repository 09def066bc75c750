// The server's log of connections it did not serve to the end: shed for
// lack of descriptors, refused, evicted for a slot, or closed for memory
// (SPEC 12.7).
//
// Under attack these events come by the thousand, so they are counted, not
// printed one by one: at most one line per interval is written, summing
// what happened since the previous line, e.g.
//
//   kvserver: connections in the last 1.0 s: 512 evicted for a slot (max-connections
//   full), 3 refused (every slot busy)
//
// Thread-safe: any thread may count and flush.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <ostream>

namespace kv {

enum class ConnectionEvent {
  kShed,             // Accepted and closed at once: out of file descriptors.
  kRefused,          // Closed on accept: every slot busy and none could be freed.
  kEvictedForSlot,   // Closed to free a slot for a new connection (SPEC 12.3).
  kClosedForBudget,  // Closed to bring memory back under the budget (SPEC 12.2).
  kOutOfMemory,      // Closed because an allocation for it failed (SPEC 12.1).
};

class ServerLog {
 public:
  using Clock = std::chrono::steady_clock;

  // Lines go to `out`, at most one per `interval`. `out` must outlive the log.
  explicit ServerLog(std::ostream& out,
                     std::chrono::milliseconds interval = std::chrono::seconds(1));

  // Counts one event; writes a line if one is due.
  void count(ConnectionEvent event, Clock::time_point now);
  // Writes a line if events are pending and one is due; cheap otherwise, so
  // the loops call it on every tick.
  void flush_if_due(Clock::time_point now);
  // Writes a line with whatever is pending, now.
  void flush(Clock::time_point now);

  // Events counted since the log was made, of one kind.
  std::uint64_t total(ConnectionEvent event) const;

 private:
  static constexpr std::size_t kEventKinds = 5;

  void write_line(Clock::time_point now);

  std::ostream& out_;
  const Clock::duration interval_;
  std::array<std::atomic<std::uint64_t>, kEventKinds> pending_{};
  std::array<std::atomic<std::uint64_t>, kEventKinds> totals_{};
  std::atomic<bool> any_pending_{false};
  // The earliest time the next line may be written, as Clock ticks.
  std::atomic<Clock::rep> next_line_;
  std::mutex write_mutex_;
  Clock::time_point last_line_;
};

}  // namespace kv
