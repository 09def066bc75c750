#include "tools/kvbench/idle_connections.h"

#include <signal.h>

#include <cerrno>
#include <ctime>

namespace kv {
namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void block_stop_signals() {
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void wait_for_stop_signal(std::chrono::nanoseconds limit) {
  const sigset_t set = stop_signals();
  const auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const auto left = end - std::chrono::steady_clock::now();
    if (left <= std::chrono::nanoseconds::zero()) return;
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(left);
    const timespec wait{static_cast<time_t>(seconds.count()),
                        static_cast<long>((left - seconds).count())};
    if (::sigtimedwait(&set, nullptr, &wait) >= 0) return;
    if (errno != EINTR && errno != EAGAIN) return;
  }
}

}  // namespace kv
