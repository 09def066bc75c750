// Where a server is in its shutdown (SPEC 12.5, 12.6), derived from the
// stop requests and the drain time:
//
//   serving --first SIGTERM/SIGINT--> draining --second signal, or the
//                                          drain time passed--> stopping
//
// While draining a server accepts nothing, answers the complete requests it
// has received, flushes and closes its connections; once stopping it closes
// whatever is left at once. Thread-safe: every thread of a server asks the
// one Shutdown.
#pragma once

#include <atomic>
#include <chrono>

#include "servers/stop_signal.h"

namespace kv {

enum class ShutdownPhase { kServing, kDraining, kStopping };

class Shutdown {
 public:
  using Clock = std::chrono::steady_clock;

  // `stop` must outlive this object.
  Shutdown(const StopSignal& stop, std::chrono::milliseconds drain_time)
      : stop_(stop), drain_time_(drain_time) {}

  // The phase at `now`. The drain time counts from the first call that sees
  // the stop request (within one tick of the signal in every model).
  ShutdownPhase phase(Clock::time_point now) const;
  // The stop pipe, readable after each stop request (see StopSignal).
  int wake_fd() const { return stop_.wake_fd(); }
  void consume_wakeups() const { stop_.consume_wakeups(); }

 private:
  static constexpr Clock::rep kNoDeadline = INT64_MAX;

  const StopSignal& stop_;
  const std::chrono::milliseconds drain_time_;
  mutable std::atomic<Clock::rep> drain_deadline_{kNoDeadline};
};

}  // namespace kv
