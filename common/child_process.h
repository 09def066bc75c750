// A child process for tests and for the conformance runner's --exec (a
// server under test, or a client's adapter).
//
// The child runs in its own process group, with stdout piped to the parent
// (stdin and stderr are inherited unless ChildStdio asks for pipes), so
// that stop() reaches a shell and everything it started. The destructor stops a child that is still
// running, and kills what is left of its group: a test that starts a server cannot leak it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace kv {

// Which of the child's stdin and stderr are pipes to the parent (stdout
// always is).
struct ChildStdio {
  bool pipe_stdin = false;
  bool pipe_stderr = false;
};

class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();

  // Starts argv[0] (searched in PATH) with the given arguments.
  static ChildProcess spawn(const std::vector<std::string>& argv, std::error_code& error,
                            ChildStdio stdio = {});
  // Starts `command` under /bin/sh -c.
  static ChildProcess spawn_shell(const std::string& command, std::error_code& error,
                                  ChildStdio stdio = {});

  // Hand the parent's end of a pipe over to the caller, who must close it
  // (for asynchronous I/O on it). -1 if that stream is not a pipe, or was
  // taken already; read_line() needs stdout not to be taken.
  int take_stdin_fd();
  int take_stdout_fd();
  int take_stderr_fd();

  // Reads one line (without its newline) from the child's stdout, waiting
  // at most `timeout`. std::nullopt on timeout, or once stdout is closed.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);

  // Reads stdout lines until one reads "listening on HOST:PORT" and returns
  // PORT; std::nullopt if the child exits or `timeout` passes first.
  std::optional<std::uint16_t> wait_listening(std::chrono::milliseconds timeout);

  // True while the child has not exited. Reaps it once it has.
  bool running();

  // Sends SIGTERM to the child's process group, waits up to `grace`, then
  // sends SIGKILL. Returns the wait status (see waitpid(2)), or -1 if there
  // was no child.
  int stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

  // Sends SIGKILL to the process group of every child that has not been
  // stopped or destroyed yet. Async-signal-safe: for a signal handler that
  // must leave at once without leaking what it started (kvconform's second
  // stop signal). Children are started in groups of their own, so this
  // reaches the processes a shell child started too.
  static void kill_all_groups() noexcept;

  // The wait status of an exited child, once running() or stop() saw it.
  std::optional<int> wait_status() const { return wait_status_; }
  pid_t pid() const { return pid_; }

 private:
  void reset();

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stdin_fd_ = -1;
  int stderr_fd_ = -1;
  std::string pending_;  // Bytes read from stdout after the last line.
  std::optional<int> wait_status_;
};

}  // namespace kv
