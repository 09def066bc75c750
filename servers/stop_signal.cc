#include "servers/stop_signal.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "net/net_error.h"
#include "net/socket_options.h"

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

std::error_code prepare_pipe_end(int fd) {
  if (::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) return net::errno_error();
  return net::set_blocking_mode(fd, net::BlockingMode::kNonBlocking);
}

}  // namespace

StopSignal::StopSignal() {
  int ends[2] = {-1, -1};
  if (::pipe(ends) != 0) {
    error_ = net::errno_error();
    return;
  }
  read_end_.reset(ends[0]);
  write_end_.reset(ends[1]);
  error_ = prepare_pipe_end(ends[0]);
  if (!error_) error_ = prepare_pipe_end(ends[1]);
}

void StopSignal::request_stop() {
  requests_.fetch_add(1, std::memory_order_acq_rel);
  const char byte = 1;
  // A full pipe already wakes its reader, so a failed write loses nothing.
  [[maybe_unused]] const ssize_t written = ::write(write_end_.get(), &byte, 1);
}

void StopSignal::consume_wakeups() const {
  char bytes[64];
  while (::read(read_end_.get(), bytes, sizeof bytes) > 0) {
  }
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
