// The server under test in --exec mode: started with a free port
// substituted for {port}, watched, restarted after a crash or a wedge
// (on a new port if the old one cannot be bound again), signalled by the
// cases that stop it on purpose (SPEC 12.5, 12.6), stopped.
#pragma once

#include <sys/types.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "common/child_process.h"

namespace kv {

class ServerSupervisor {
 public:
  // `command` holds "{port}" one or more times. The server's stdout and
  // stderr are read by the supervisor (their last lines are kept for
  // crash reports), not shown.
  ServerSupervisor(std::string command, std::chrono::milliseconds start_timeout);
  ServerSupervisor(const ServerSupervisor&) = delete;
  ServerSupervisor& operator=(const ServerSupervisor&) = delete;
  ~ServerSupervisor();

  // Picks a free port (first start only), spawns the command and waits
  // until the port listens. Readiness is read from /proc/net/tcp{,6}
  // where it exists, so no probe connection disturbs the server; elsewhere
  // a connection is tried. Returns an error message, or "".
  boost::asio::awaitable<std::string> start();
  // Stops the server if it runs, then starts it again on the same port, or
  // on a new free port when that fails (up to two new ports). `note` says
  // what happened to the port, if anything. Returns an error message, or "".
  boost::asio::awaitable<std::string> restart(std::string& note);
  // True once the process has exited; describes how in exit_description().
  bool exited();
  // "exited with status 1", "killed by signal 6 (SIGABRT)", "still running".
  std::string exit_description() const;
  // The status the process exited with, once it has exited normally;
  // std::nullopt while it runs or when a signal killed it.
  std::optional<int> exit_code();

  // Sends `signal` to the server, as a terminal's Ctrl-C reaches the job
  // it runs: to every process of the command's process group except the
  // /bin/sh that runs the command, which goes on waiting and then exits
  // with the server's own status (a command that replaced the shell with
  // `exec` gets the signal itself). So a case can stop the server
  // deliberately (SPEC 12.5, 12.6) and judge how it exits. Returns "" once
  // sent, or why not; `unsupported` is set when this system cannot tell
  // the server's processes apart from the shell (no /proc), which is no
  // fault of the server.
  std::string signal_server(int signal, bool& unsupported);
  // The last lines the server printed (stdout and stderr), or "".
  std::string output_tail();
  // Stops the process (SIGTERM, then SIGKILL after a second).
  void stop();

  boost::asio::ip::tcp::endpoint endpoint() const;
  // The process group the command runs in (the shell's process ID), or -1
  // before the first start.
  pid_t process_group() const { return child_.pid(); }
  // The command with {port} substituted.
  const std::string& command_line() const { return command_line_; }

 private:
  void drain_output();
  void substitute_port();

  std::string command_;
  std::string command_line_;
  std::chrono::milliseconds start_timeout_;
  std::uint16_t port_ = 0;
  ChildProcess child_;
  std::deque<std::string> tail_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bind port 0, read
// it, close), or 0 on failure.
std::uint16_t pick_free_port();

// Whether some socket listens on TCP `port` (any address), from
// /proc/net/tcp and /proc/net/tcp6; std::nullopt where they cannot be read.
std::optional<bool> port_is_listening(std::uint16_t port);

// The processes of process group `group`, from /proc/<pid>/stat;
// std::nullopt where /proc cannot be read.
std::optional<std::vector<pid_t>> process_group_members(pid_t group);

// The CPU time (user and system, in seconds) the processes of group
// `group` have used so far, from /proc/<pid>/stat; std::nullopt where
// /proc cannot be read.
std::optional<double> process_group_cpu_seconds(pid_t group);

}  // namespace kv
