// The server under test, for every mode of kvconform (the server suite,
// explore, replay, differential): either a server kvconform starts itself
// (--exec) or one it is given (--target). Target owns the server's
// lifecycle:
//  * start: the --exec command runs under /bin/sh in a process group of
//    its own, on a free port substituted for {port}; the server is ready
//    once its port listens (server_supervisor.h);
//  * restart: a fresh server, on the same port or on a new one when the
//    old one cannot be bound again; every restart counts a generation;
//  * the liveness check (liveness.h), with every check's round trip kept
//    for the health record (server_health.h);
//  * recovery after a crash or a wedge: a restart (--exec), or waiting for
//    a --target server to answer again;
//  * deliberate termination (terminate()): a signal, maybe a second one,
//    the exit judged, and the server started again;
//  * stop, on every exit path: the destructor stops the process group,
//    and every process group kvconform starts is also killed when
//    kvconform itself is interrupted (interrupts.h).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <csignal>
#include <memory>
#include <optional>
#include <string>

#include "conformance/engine/liveness.h"
#include "conformance/engine/run_options.h"
#include "conformance/engine/server_health.h"
#include "conformance/engine/server_supervisor.h"
#include "conformance/wire/wire_log.h"

namespace kv {

// What terminate() does: `first_signal`; then, if `second_after` is set and
// the server still runs that long after the first, `second_signal`; then it
// waits at most `exit_within` (from the last signal sent) for the server to
// exit; then, if `restart`, starts it again.
struct TerminateRequest {
  int first_signal = SIGTERM;
  std::optional<std::chrono::milliseconds> second_after;
  int second_signal = SIGTERM;
  std::chrono::milliseconds exit_within{3000};
  bool restart = true;
};

// What terminate() saw.
struct TerminateOutcome {
  // Non-empty when no signal could be sent: not --exec, the server is not
  // running, or this system cannot tell the server from its shell.
  std::string error;
  // Set with `error` when the reason is this system (no /proc), which is
  // no fault of the server: a check should be SKIP, not FAIL.
  bool unsupported = false;
  // Whether the second signal was sent (the server still ran when it was due).
  bool second_sent = false;
  bool exited = false;
  // The exit status, when the server exited normally.
  std::optional<int> exit_code;
  // "exited with status 0", "was killed by signal 9 (SIGKILL)", "still running".
  std::string exit_description;
  // From the first signal to the exit, when it exited.
  double exit_ms = 0;
  // The restart (when asked for): "" once the server serves again, or why not.
  std::string restart_error;
  // A restart on a new port says so here.
  std::string port_note;
};

class Target {
 public:
  // --target: a server kvconform neither starts nor restarts. `name` is
  // how reports name it (HOST:PORT as given).
  Target(RunOptions options, std::string name);
  // --exec: `command` holds {port}; options.endpoint is set by start().
  Target(std::string command, RunOptions options);
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;
  ~Target();

  // True under --exec.
  bool started_here() const { return supervisor_ != nullptr; }
  // The process under --exec (what CaseContext::server() hands to the
  // cases that stop the server on purpose); null under --target.
  ServerSupervisor* process() const { return supervisor_.get(); }
  // The run's options with the server's current endpoint.
  const RunOptions& options() const { return options_; }
  boost::asio::ip::tcp::endpoint endpoint() const { return options_.endpoint; }
  // The command line with its port (--exec), or the name given.
  std::string name() const;
  // How often the server was started again (restarts, recoveries).
  int generation() const { return generation_; }
  // The liveness checks, and what they say about the server's health.
  ServerHealth& health() { return health_; }

  // --exec: starts the server and waits until it listens. Returns "" or
  // why it could not be started. --target: nothing to do, "".
  boost::asio::awaitable<std::string> start();
  // --exec: a fresh server (see ServerSupervisor::restart); `note` says
  // when the port changed. --target: "" (the server is used as it is).
  boost::asio::awaitable<std::string> restart(std::string& note);
  // After a failed liveness check: --exec restarts the server; --target
  // waits (10 s x scale) for it to answer again. Returns "" once it serves;
  // `note` says when the port changed.
  boost::asio::awaitable<std::string> recover(std::string& note);
  // How the server looks after a failed liveness check reporting
  // `problem`, in words: "was killed by signal 6 (SIGABRT); it printed:
  // ...", "stopped answering new connections while its process kept
  // running (a wedge: ...)".
  struct DeathDescription {
    std::string what;
    bool process_exited = false;  // --exec: the process is gone (a crash).
  };
  boost::asio::awaitable<DeathDescription> describe_death(const std::string& problem);
  // The liveness check (liveness.h) against the current endpoint, logged
  // on `log` and kept in health().
  boost::asio::awaitable<Liveness> check_liveness(WireLog& log, std::string key);
  // Signals the server on purpose and watches it exit (--exec only); see
  // TerminateRequest. Explore's "terminate" step and any check that stops
  // the server use it; the exit is no crash and counts no failure.
  boost::asio::awaitable<TerminateOutcome> terminate(const TerminateRequest& request);
  // Stops the server (--exec) and every process of its group.
  void stop();

  // A second server of the same command (--exec only; null otherwise),
  // for confirmation reruns that run side by side, each alone with its
  // own server. Not started yet.
  std::unique_ptr<Target> spare() const;

 private:
  // Whether the server has exited by `until`, polling.
  boost::asio::awaitable<bool> wait_exit(std::chrono::steady_clock::time_point until);

  RunOptions options_;
  std::string name_;
  std::string command_;
  std::unique_ptr<ServerSupervisor> supervisor_;
  ServerHealth health_;
  int generation_ = 0;
};

}  // namespace kv
