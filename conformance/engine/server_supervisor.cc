#include "conformance/engine/server_supervisor.h"

#include <dirent.h>
#include <fmt/format.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace kv {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// The server's output lines kept for crash reports.
constexpr std::size_t kTailLines = 12;
// How often readiness is polled while the server starts.
constexpr std::chrono::milliseconds kStartPoll{5};
// New ports tried when a restart cannot use the old one.
constexpr int kNewPortTries = 2;
// How long a restart waits for the stopped server's listener to go away.
constexpr std::chrono::milliseconds kOldListenerGrace{2000};
// How long stop() waits for the processes of the server's group to end.
constexpr std::chrono::milliseconds kGroupExitGrace{2000};

// One /proc/net/tcp file: whether a line in state LISTEN (0A) has `port`.
std::optional<bool> listening_in(const char* path, std::uint16_t port) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string line;
  std::getline(in, line);  // Header.
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    if (!(fields >> slot >> local >> remote >> state)) continue;
    const std::size_t colon = local.rfind(':');
    if (colon == std::string::npos || state != "0A") continue;
    if (std::stoul(local.substr(colon + 1), nullptr, 16) == port) return true;
  }
  return false;
}

}  // namespace

std::uint16_t pick_free_port() {
  asio::io_context io;
  tcp::acceptor acceptor(io);
  boost::system::error_code ec;
  acceptor.open(tcp::v4(), ec);
  if (!ec) acceptor.bind({asio::ip::address_v4::loopback(), 0}, ec);
  if (ec) return 0;
  const std::uint16_t port = acceptor.local_endpoint(ec).port();
  acceptor.close(ec);
  return ec ? 0 : port;
}

namespace {

// The fields of /proc/PID/stat after "(COMM)", which may hold spaces and
// parentheses: field 3 (state) is the first; std::nullopt once the process
// has gone.
std::optional<std::vector<std::string>> stat_fields(pid_t pid) {
  std::ifstream stat_file(fmt::format("/proc/{}/stat", pid));
  std::string stat;
  if (!std::getline(stat_file, stat)) return std::nullopt;
  const std::size_t comm_end = stat.rfind(')');
  if (comm_end == std::string::npos) return std::nullopt;
  std::istringstream in(stat.substr(comm_end + 1));
  std::vector<std::string> fields;
  for (std::string field; in >> field;) fields.push_back(std::move(field));
  return fields;
}

// The process IDs of /proc, or std::nullopt where it cannot be read.
std::optional<std::vector<pid_t>> all_processes() {
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return std::nullopt;
  std::vector<pid_t> pids;
  while (const dirent* entry = ::readdir(proc)) {
    pid_t pid = 0;
    const std::string_view name(entry->d_name);
    const auto [end, parse_error] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (parse_error == std::errc() && end == name.data() + name.size() && pid > 0) {
      pids.push_back(pid);
    }
  }
  ::closedir(proc);
  return pids;
}

}  // namespace

// Whether a process of `group` runs (zombies, which hold nothing, aside).
static bool group_has_live_members(pid_t group) {
  const std::optional<std::vector<pid_t>> members = process_group_members(group);
  if (!members) return false;
  for (const pid_t pid : *members) {
    const std::optional<std::vector<std::string>> fields = stat_fields(pid);
    if (fields && !fields->empty() && (*fields)[0] != "Z") return true;
  }
  return false;
}

std::optional<std::vector<pid_t>> process_group_members(pid_t group) {
  const std::optional<std::vector<pid_t>> pids = all_processes();
  if (!pids) return std::nullopt;
  std::vector<pid_t> members;
  for (const pid_t pid : *pids) {
    // Fields from the state on: STATE PPID PGRP ...
    const std::optional<std::vector<std::string>> fields = stat_fields(pid);
    if (fields && fields->size() > 2 && (*fields)[2] == std::to_string(group)) {
      members.push_back(pid);
    }
  }
  return members;
}

std::optional<double> process_group_cpu_seconds(pid_t group) {
  const std::optional<std::vector<pid_t>> members = process_group_members(group);
  if (!members) return std::nullopt;
  double ticks = 0;
  for (const pid_t pid : *members) {
    // utime and stime are fields 14 and 15 of the line, 12 and 13 here.
    const std::optional<std::vector<std::string>> fields = stat_fields(pid);
    if (!fields || fields->size() < 13) continue;
    ticks += std::stod((*fields)[11]) + std::stod((*fields)[12]);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::optional<bool> port_is_listening(std::uint16_t port) {
  const std::optional<bool> v4 = listening_in("/proc/net/tcp", port);
  const std::optional<bool> v6 = listening_in("/proc/net/tcp6", port);
  if (!v4 && !v6) return std::nullopt;
  return v4.value_or(false) || v6.value_or(false);
}

ServerSupervisor::ServerSupervisor(std::string command, std::chrono::milliseconds start_timeout)
    : command_(std::move(command)), start_timeout_(start_timeout) {}

ServerSupervisor::~ServerSupervisor() {
  stop();
}

tcp::endpoint ServerSupervisor::endpoint() const {
  return {asio::ip::address_v4::loopback(), port_};
}

void ServerSupervisor::drain_output() {
  // The child's output is a pipe to us: keep it from filling up, and keep
  // its last lines.
  for (int i = 0; i < 10000; ++i) {
    std::optional<std::string> line = child_.read_line(std::chrono::milliseconds(0));
    if (!line) break;
    tail_.push_back(std::move(*line));
    if (tail_.size() > kTailLines) tail_.pop_front();
  }
}

std::string ServerSupervisor::output_tail() {
  drain_output();
  std::string out;
  for (const std::string& line : tail_) out += (out.empty() ? "" : " | ") + line;
  return out;
}

void ServerSupervisor::substitute_port() {
  command_line_ = command_;
  for (std::size_t at = command_line_.find("{port}"); at != std::string::npos;
       at = command_line_.find("{port}", at)) {
    command_line_.replace(at, 6, std::to_string(port_));
  }
}

asio::awaitable<std::string> ServerSupervisor::start() {
  if (port_ == 0) port_ = pick_free_port();
  if (port_ == 0) co_return "could not find a free port on 127.0.0.1";
  substitute_port();
  tail_.clear();
  std::error_code spawn_error;
  // stderr joins stdout, so both are kept from the console and their last
  // lines can explain a crash.
  child_ = ChildProcess::spawn_shell("exec 2>&1\n" + command_line_, spawn_error);
  if (spawn_error) {
    co_return fmt::format("cannot run '{}': {}", command_line_, spawn_error.message());
  }
  const auto executor = co_await asio::this_coro::executor;
  const auto deadline = std::chrono::steady_clock::now() + start_timeout_;
  asio::steady_timer pause(executor);
  while (std::chrono::steady_clock::now() < deadline) {
    drain_output();
    if (!child_.running()) {
      const std::string said = output_tail();
      co_return fmt::format("'{}' exited before listening ({}){}", command_line_,
                            exit_description(), said.empty() ? "" : "; it printed: " + said);
    }
    const std::optional<bool> listening = port_is_listening(port_);
    if (listening.value_or(false)) co_return std::string();
    if (!listening) {
      tcp::socket probe(executor);
      const auto [ec] =
          co_await probe.async_connect(endpoint(), asio::as_tuple(asio::use_awaitable));
      if (!ec) co_return std::string();
    }
    pause.expires_after(kStartPoll);
    co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return fmt::format("'{}' did not listen on port {} within {} ms", command_line_, port_,
                        start_timeout_.count());
}

asio::awaitable<std::string> ServerSupervisor::restart(std::string& note) {
  stop();
  // A killed process may still be exiting when stop() returns (signals are
  // delivered asynchronously), its listener still open: wait until nothing
  // listens on the port, or start() would take the dying server's socket
  // for the new one's, and the next case would meet a reset.
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer pause(executor);
  const auto deadline = std::chrono::steady_clock::now() + kOldListenerGrace;
  while (port_is_listening(port_).value_or(false) && std::chrono::steady_clock::now() < deadline) {
    pause.expires_after(kStartPoll);
    co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  const std::uint16_t old_port = port_;
  std::string error = co_await start();
  const std::string first_error = error;
  for (int i = 0; i < kNewPortTries && !error.empty(); ++i) {
    stop();
    port_ = pick_free_port();
    error = co_await start();
    if (error.empty()) {
      note = fmt::format(
          "the server could not be restarted on port {} ({}); it was restarted on port {} (does "
          "it set SO_REUSEADDR?)",
          old_port, first_error, port_);
    }
  }
  co_return error;
}

bool ServerSupervisor::exited() {
  drain_output();
  return !child_.running();
}

std::string ServerSupervisor::exit_description() const {
  const std::optional<int> status = child_.wait_status();
  if (!status) return "still running";
  if (WIFEXITED(*status)) {
    const int code = WEXITSTATUS(*status);
    // A shell reports a command killed by signal N as status 128 + N.
    const char* name = code > 128 && code < 128 + 65 ? ::sigabbrev_np(code - 128) : nullptr;
    if (name != nullptr) {
      return fmt::format(
          "exited with status {} (a command killed by signal {}, SIG{}, under "
          "the shell)",
          code, code - 128, name);
    }
    return fmt::format("exited with status {}", code);
  }
  if (WIFSIGNALED(*status)) {
    const int signal = WTERMSIG(*status);
    const char* name = ::sigabbrev_np(signal);
    return name != nullptr ? fmt::format("was killed by signal {} (SIG{})", signal, name)
                           : fmt::format("was killed by signal {}", signal);
  }
  return fmt::format("ended with wait status {}", *status);
}

std::optional<int> ServerSupervisor::exit_code() {
  if (!exited()) return std::nullopt;
  const std::optional<int> status = child_.wait_status();
  if (!status || !WIFEXITED(*status)) return std::nullopt;
  return WEXITSTATUS(*status);
}

std::string ServerSupervisor::signal_server(int signal, bool& unsupported) {
  unsupported = false;
  if (child_.pid() <= 0 || exited()) return "the server is not running";
  // The child is the shell of spawn_shell(), the leader of a process group
  // of its own (ChildProcess); the server runs in that group.
  const std::optional<std::vector<pid_t>> members = process_group_members(child_.pid());
  if (!members) {
    unsupported = true;
    return "cannot tell the server's process apart from the shell that runs it here (/proc "
           "cannot be read)";
  }
  std::vector<pid_t> targets;
  for (const pid_t pid : *members) {
    if (pid != child_.pid()) targets.push_back(pid);
  }
  // Nothing but the child: the command replaced the shell (exec).
  if (targets.empty()) targets.push_back(child_.pid());
  for (const pid_t pid : targets) {
    if (::kill(pid, signal) != 0 && errno != ESRCH) {
      return fmt::format("cannot send signal {} to process {}: {}", signal, pid,
                         std::strerror(errno));
    }
  }
  return std::string();
}

void ServerSupervisor::stop() {
  const pid_t group = child_.pid();
  if (group <= 0) return;
  if (child_.running()) child_.stop(std::chrono::milliseconds(1000));
  // The shell is gone, but the server it ran may still be dying with its
  // listener open (signals are delivered asynchronously), or may have
  // outlived a shell that exited on its own. Kill what is left of the
  // group and wait until none of it runs, so that a stopped server is
  // stopped and a restart binds a port nobody holds.
  ::kill(-group, SIGKILL);
  const auto deadline = std::chrono::steady_clock::now() + kGroupExitGrace;
  while (group_has_live_members(group) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(kStartPoll);
  }
}

}  // namespace kv
