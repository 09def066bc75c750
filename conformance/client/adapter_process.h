// The client under test: the adapter program of spec/client-adapter.md,
// started once per case. Commands go to its stdin as JSON lines, results
// come back from its stdout; both, and every stderr line, are recorded in
// the case's wire log (connection 0: "adapter <- ...", "adapter -> ...").
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "client/adapter/adapter_protocol.h"
#include "common/child_process.h"
#include "conformance/engine/case_result.h"
#include "conformance/wire/wire_log.h"

namespace kv {

// The values of the placeholders of the adapter command (kvconform client --exec).
struct AdapterPlaceholders {
  std::string host;
  std::uint16_t port = 0;
  std::chrono::milliseconds timeout{0};
  std::uint32_t max_frame_bytes = 0;
};

// `command` with {host}, {port}, {timeout_ms} and {max_frame_bytes}
// replaced.
std::string expand_adapter_command(const std::string& command, const AdapterPlaceholders& values);

// "the client crashed (signal 11, Segmentation fault)", "the client exited
// with status 3": how a process with wait status `status` ended.
std::string describe_adapter_exit(int status);

// What waiting for the adapter's next result produced.
struct AdapterEvent {
  enum class Kind {
    kResult,   // `result` holds a result line of the contract.
    kGarbage,  // A line that is not a result; `text` holds it and why.
    kTimeout,  // No line within the bound.
    kExited,   // stdout ended: the process exited; `text` says how.
  };
  Kind kind = Kind::kTimeout;
  AdapterResult result;
  std::string text;
};

class AdapterProcess {
 public:
  ~AdapterProcess();
  AdapterProcess(const AdapterProcess&) = delete;
  AdapterProcess& operator=(const AdapterProcess&) = delete;

  // Starts `command` (placeholders already expanded) under /bin/sh -c.
  // Returns null with `error` set if it cannot be started.
  static std::unique_ptr<AdapterProcess> start(boost::asio::any_io_executor executor,
                                               const std::string& command, WireLog& log,
                                               std::string& error);

  // Writes `command` as one line to the adapter's stdin, within `timeout`.
  // Before the first command, waits until the adapter is ready (see
  // await_ready), so that the time an adapter takes to start (an
  // interpreter, a JVM, a loaded machine) never counts against a case's
  // bounds.
  boost::asio::awaitable<Check> send(const AdapterCommand& command,
                                     std::chrono::milliseconds timeout);
  // The adapter's next stdout line, waiting at most `timeout`.
  boost::asio::awaitable<AdapterEvent> next_event(std::chrono::milliseconds timeout);

  // How the adapter ended ("the client exited with status 127"), or
  // std::nullopt while it runs. Does not wait.
  std::optional<std::string> exit_description();

  // Ends the adapter: closes its stdin, gives it `grace` to exit, then
  // kills its process group. Returns a FAIL verdict if it died from a
  // signal it was not sent by kvconform (a crash), and a note (in `note`)
  // if it had to be killed.
  boost::asio::awaitable<Check> finish(std::chrono::milliseconds grace, std::string& note);

  // The pipes and the queue of result lines, shared with the coroutines
  // that read the pipes (adapter_process.cc).
  struct Shared;

 private:
  AdapterProcess(ChildProcess child, std::shared_ptr<Shared> shared);
  // The readiness check: a `close` command, which needs no connection and
  // is answered {"result":"closed"} by every adapter (spec/client-adapter.md),
  // answered within `bound`. Logged, so the wire log shows it.
  boost::asio::awaitable<Check> await_ready(std::chrono::milliseconds bound);
  boost::asio::awaitable<Check> write_line(const AdapterCommand& command,
                                           std::chrono::milliseconds timeout);
  // How the process ended, waiting up to `timeout` for it to exit;
  // std::nullopt if it is still running.
  boost::asio::awaitable<std::optional<int>> wait_exit(std::chrono::milliseconds timeout);

  ChildProcess child_;
  std::shared_ptr<Shared> shared_;
  bool ready_ = false;
};

}  // namespace kv
