#include "conformance/engine/interrupts.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/buffer.hpp>

#include "common/child_process.h"

namespace kv {

namespace {

constexpr int kStopSignals[] = {SIGTERM, SIGINT, SIGHUP};

// The signal handler's state: async-signal-safe types only.
std::atomic<int> signals_seen{0};
std::atomic<int> wake_fd{-1};

void on_stop_signal(int signal) {
  if (signals_seen.fetch_add(1) == 0) {
    // The first: hand it to the run through the pipe, as one byte.
    const int fd = wake_fd.load();
    const auto byte = static_cast<unsigned char>(signal);
    if (fd >= 0 && ::write(fd, &byte, 1) == 1) return;
  }
  // A second signal, or no way to pass the first on: leave at once.
  ChildProcess::kill_all_groups();
  ::_exit(interrupted_exit_code(signal));
}

}  // namespace

InterruptHandler::InterruptHandler(boost::asio::any_io_executor executor, RunControl& control)
    : control_(control), pipe_(executor) {
  int fds[2] = {-1, -1};
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
    pipe_.assign(fds[0]);
    wake_fd.store(fds[1]);
  }
  signals_seen.store(0);
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (const int signal : kStopSignals) ::sigaction(signal, &action, nullptr);
  if (pipe_.is_open()) wait_for_signal();
}

InterruptHandler::~InterruptHandler() {
  for (const int signal : kStopSignals) ::signal(signal, SIG_DFL);
  const int fd = wake_fd.exchange(-1);
  if (fd >= 0) ::close(fd);
  boost::system::error_code ignored;
  pipe_.close(ignored);
}

void InterruptHandler::wait_for_signal() {
  pipe_.async_read_some(boost::asio::buffer(&signal_, 1),
                        [this](const boost::system::error_code& error, std::size_t n) {
                          if (error || n != 1) return;
                          control_.interrupt(signal_);
                        });
}

}  // namespace kv
