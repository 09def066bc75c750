// broken_kvserver: a thread-per-connection KV server that is correct except
// for one deliberate flaw, chosen with --flaw. It exists to prove that every
// kvconform case can fail: `--flaw none` must pass kvconform, every other
// flaw must fail the cases listed for it in expected_failures.txt.
//
//   broken_kvserver --flaw NAME [--host 127.0.0.1] [--port 0]
//                   [--max-frame-bytes N]
//
// Prints "listening on HOST:PORT" once it accepts connections. On SIGTERM
// or SIGINT it drains (SPEC 12.5): it accepts no more connections, each
// connection answers what it has read, sends the error response for a
// trailing partial frame and closes, and the server exits 0 once they are
// all closed, after kDrainTime at the latest, or at once on a second
// signal (SPEC 12.6).
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "codec/frame_format.h"
#include "codec/message.h"
#include "connection.h"
#include "flaw.h"
#include "net/listen.h"
#include "net/socket_options.h"
#include "net/unique_fd.h"
#include "socket_io.h"

namespace {

using Clock = std::chrono::steady_clock;

// How long the drain may last (kvserver's default --drain-ms).
constexpr std::chrono::milliseconds kDrainTime{3000};
// How often the drain looks whether every connection has closed.
constexpr std::chrono::milliseconds kDrainPoll{5};

// Cleared when the accept loop has stopped for the drain.
std::atomic<bool> accepting{true};

struct Options {
  std::string flaw = "none";
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::uint32_t max_frame_bytes = kv::kDefaultMaxFrameLen;
  bool list_flaws = false;
};

// Accepts connections, one detached thread each, until the drain begins.
void accept_loop(int listener, kv::ServerContext& context) {
  for (;;) {
    const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      // The drain shut the listener down, which ends a blocked accept.
      if (context.draining) break;
      // EMFILE and the like: wait for connections to end, then go on.
      if (errno != EINTR) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    // The wedge flaws: a wedged server accepts no more connections (they
    // wait in the kernel's backlog, unanswered).
    if (context.wedged) kv::wedge_forever();
    if (const std::error_code error = kv::net::set_no_delay(fd)) {
      std::fprintf(stderr, "broken_kvserver: TCP_NODELAY: %s\n", error.message().c_str());
    }
    // reject-while-busy (SPEC 11.2): a new connection is dropped, not queued.
    if (context.flaw == kv::Flaw::kRejectWhileBusy && context.has_live_connection()) {
      ::close(fd);
      continue;
    }
    // Built here, not in the thread, so that the connection is registered
    // before the next accept: reject-while-busy must see it at once.
    auto connection = std::make_shared<kv::Connection>(fd, context);
    std::thread([connection] { connection->run(); }).detach();
  }
  accepting = false;
}

// The drain after the first stop signal (SPEC 12.5, 12.6); never returns.
// The connection threads may be blocked in I/O: the process leaves without
// unwinding them.
[[noreturn]] void drain_and_exit(int listener, int wake_write_fd, kv::ServerContext& context,
                                 const sigset_t& stop_signals) {
  const Clock::time_point deadline = Clock::now() + kDrainTime;
  context.drain_deadline = deadline;
  context.draining = true;
  // Wakes every connection waiting for input; the byte stays unread, so
  // the wake descriptor stays readable for the rest of the drain.
  static_cast<void>(::write(wake_write_fd, "d", 1));
  // New clients are refused from now on; the blocked accept returns.
  ::shutdown(listener, SHUT_RD);
  for (;;) {
    if (!accepting && context.live_connections == 0) std::_Exit(0);
    if (Clock::now() >= deadline) std::_Exit(0);  // Whatever is left is cut off.
    timespec tick{0, static_cast<long>(std::chrono::nanoseconds(kDrainPoll).count())};
    const bool second_signal = ::sigtimedwait(&stop_signals, nullptr, &tick) > 0;
    // second-signal-ignored: only the drain time ends the drain.
    if (second_signal && context.flaw != kv::Flaw::kSecondSignalIgnored) std::_Exit(0);
  }
}

// Blocks SIGTERM and SIGINT in this thread and every thread it starts, so
// that only sigwait() sees them.
sigset_t block_stop_signals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  return stop_signals;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"A KV server with one deliberate conformance flaw."};
  app.add_option("--flaw", options.flaw, "The flaw to switch on, or 'none'");
  app.add_option("--host", options.host, "The IPv4 address to listen on");
  app.add_option("--port", options.port, "The TCP port to listen on; 0 picks a free one");
  app.add_option("--max-frame-bytes", options.max_frame_bytes, "The largest legal LEN")
      ->check(CLI::Range(kv::kMinFrameLen, kv::kMaxConfigurableFrameLen));
  app.add_flag("--list-flaws", options.list_flaws, "Print every flaw name and exit");
  CLI11_PARSE(app, argc, argv);

  if (options.list_flaws) {
    for (const kv::Flaw flaw : kv::all_flaws()) std::printf("%s\n", kv::flaw_name(flaw).data());
    return 0;
  }
  const std::optional<kv::Flaw> flaw = kv::flaw_from_name(options.flaw);
  if (!flaw) {
    std::fprintf(stderr, "broken_kvserver: unknown flaw '%s' (see --list-flaws)\n",
                 options.flaw.c_str());
    return 2;
  }
  kv::silence_protobuf_logging();
  const sigset_t stop_signals = block_stop_signals();
  // SPEC 7.4: a write to a reset peer must not kill the server; the
  // sigpipe-kills flaw keeps SIGPIPE's default action, which does.
  if (*flaw != kv::Flaw::kSigpipeKills) ::signal(SIGPIPE, SIG_IGN);

  kv::net::UniqueFd listener;
  std::error_code listen_error;
  if (*flaw == kv::Flaw::kCrashNoRebind) {
    listener = kv::net::UniqueFd(kv::listen_without_reuse(options.port, listen_error));
  } else {
    listen_error = kv::net::listen_tcp(options.host, options.port, listener);
  }
  if (listen_error) {
    std::fprintf(stderr, "broken_kvserver: cannot listen on %s:%u: %s\n", options.host.c_str(),
                 static_cast<unsigned>(options.port), listen_error.message().c_str());
    return 1;
  }
  std::uint16_t port = 0;
  if (const std::error_code error = kv::net::local_port(listener.get(), port)) {
    std::fprintf(stderr, "broken_kvserver: getsockname: %s\n", error.message().c_str());
    return 1;
  }

  int wake_pipe[2] = {-1, -1};
  if (::pipe2(wake_pipe, O_CLOEXEC) != 0) {
    std::fprintf(stderr, "broken_kvserver: pipe: %s\n", std::strerror(errno));
    return 1;
  }
  static kv::ServerContext context;  // Outlives the detached connection threads.
  context.flaw = *flaw;
  context.max_frame_len = options.max_frame_bytes;
  context.drain_wake_fd = wake_pipe[0];
  std::thread(accept_loop, listener.get(), std::ref(context)).detach();
  std::printf("listening on %s:%u\n", options.host.c_str(), static_cast<unsigned>(port));
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  // exit-on-sigterm: no drain; the connections die with the process.
  if (*flaw == kv::Flaw::kExitOnSigterm) std::_Exit(0);
  drain_and_exit(listener.get(), wake_pipe[1], context, stop_signals);
}
