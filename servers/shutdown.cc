#include "servers/shutdown.h"

namespace kv {

ShutdownPhase Shutdown::phase(Clock::time_point now) const {
  if (!stop_.stop_requested()) return ShutdownPhase::kServing;
  if (stop_.stop_now_requested()) return ShutdownPhase::kStopping;
  Clock::rep deadline = drain_deadline_.load(std::memory_order_acquire);
  if (deadline == kNoDeadline) {
    const Clock::rep proposed = (now + drain_time_).time_since_epoch().count();
    // The first thread to get here fixes the deadline for everyone.
    if (drain_deadline_.compare_exchange_strong(deadline, proposed, std::memory_order_acq_rel)) {
      deadline = proposed;
    }
  }
  return now.time_since_epoch().count() >= deadline ? ShutdownPhase::kStopping
                                                    : ShutdownPhase::kDraining;
}

}  // namespace kv
