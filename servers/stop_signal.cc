#include "servers/stop_signal.h"

#include <signal.h>

#include <cerrno>

#include "net/net_error.h"

namespace kv {
namespace {

std::atomic<StopSignal*> g_signal_target{nullptr};
// The handler touches only lock-free atomics and write(2).
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_stop_signal(int /*signo*/) {
  const int saved_errno = errno;
  if (StopSignal* target = g_signal_target.load()) target->request_stop();
  errno = saved_errno;
}

}  // namespace

void StopSignal::request_stop() {
  requests_.fetch_add(1, std::memory_order_acq_rel);
  wake_.notify();
}

std::error_code StopSignal::install_handlers(StopSignal& signal) {
  g_signal_target.store(&signal);
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  for (int signo : {SIGINT, SIGTERM}) {
    if (::sigaction(signo, &action, nullptr) != 0) return net::errno_error();
  }
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  if (::sigaction(SIGPIPE, &ignore, nullptr) != 0) return net::errno_error();
  return {};
}

}  // namespace kv
