#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <initializer_list>
#include <thread>
#include <utility>

#include "net/endpoint.h"

extern char** environ;

namespace kv {
namespace {

using Clock = std::chrono::steady_clock;

// The process groups of the children alive, for kill_all_groups(); 0 is
// a free slot. Lock-free, so a signal handler may read it.
constexpr std::size_t kMaxGroups = 256;
std::atomic<pid_t> live_groups[kMaxGroups];

void add_group(pid_t group) {
  for (std::atomic<pid_t>& slot : live_groups) {
    pid_t free = 0;
    if (slot.compare_exchange_strong(free, group)) return;
  }
}

void remove_group(pid_t group) {
  for (std::atomic<pid_t>& slot : live_groups) {
    pid_t mine = group;
    if (slot.compare_exchange_strong(mine, 0)) return;
  }
}

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

}  // namespace

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      stdout_fd_(std::exchange(other.stdout_fd_, -1)),
      stdin_fd_(std::exchange(other.stdin_fd_, -1)),
      stderr_fd_(std::exchange(other.stderr_fd_, -1)),
      pending_(std::move(other.pending_)),
      wait_status_(std::exchange(other.wait_status_, std::nullopt)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    reset();
    pid_ = std::exchange(other.pid_, -1);
    stdout_fd_ = std::exchange(other.stdout_fd_, -1);
    stdin_fd_ = std::exchange(other.stdin_fd_, -1);
    stderr_fd_ = std::exchange(other.stderr_fd_, -1);
    pending_ = std::move(other.pending_);
    wait_status_ = std::exchange(other.wait_status_, std::nullopt);
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  reset();
}

void ChildProcess::reset() {
  if (pid_ > 0 && !wait_status_) stop();
  if (pid_ > 0) {
    // The leader may have exited on its own while processes it started
    // live on in its group.
    ::kill(-pid_, SIGKILL);
    remove_group(pid_);
  }
  for (int* fd : {&stdout_fd_, &stdin_fd_, &stderr_fd_}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
  pid_ = -1;
}

int ChildProcess::take_stdin_fd() {
  return std::exchange(stdin_fd_, -1);
}

int ChildProcess::take_stdout_fd() {
  return std::exchange(stdout_fd_, -1);
}

int ChildProcess::take_stderr_fd() {
  return std::exchange(stderr_fd_, -1);
}

ChildProcess ChildProcess::spawn_shell(const std::string& command, std::error_code& error,
                                       ChildStdio stdio) {
  return spawn({"/bin/sh", "-c", command}, error, stdio);
}

ChildProcess ChildProcess::spawn(const std::vector<std::string>& argv, std::error_code& error,
                                 ChildStdio stdio) {
  ChildProcess child;
  error.clear();
  if (argv.empty()) {
    error = std::make_error_code(std::errc::invalid_argument);
    return child;
  }
  // [0] is the read end, [1] the write end; -1 for a stream not piped.
  int out_fds[2] = {-1, -1};
  int in_fds[2] = {-1, -1};
  int err_fds[2] = {-1, -1};
  const auto close_all = [&] {
    for (int fd : {out_fds[0], out_fds[1], in_fds[0], in_fds[1], err_fds[0], err_fds[1]}) {
      if (fd >= 0) ::close(fd);
    }
  };
  if (::pipe2(out_fds, O_CLOEXEC) != 0 || (stdio.pipe_stdin && ::pipe2(in_fds, O_CLOEXEC) != 0) ||
      (stdio.pipe_stderr && ::pipe2(err_fds, O_CLOEXEC) != 0)) {
    error = {errno, std::system_category()};
    close_all();
    return child;
  }
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_fds[1], STDOUT_FILENO);
  if (stdio.pipe_stdin) posix_spawn_file_actions_adddup2(&actions, in_fds[0], STDIN_FILENO);
  if (stdio.pipe_stderr) posix_spawn_file_actions_adddup2(&actions, err_fds[1], STDERR_FILENO);
  // The child gets stdin, stdout and stderr only: an inherited socket of
  // the parent (say, a connection kvconform holds to the server under test)
  // would stay open in the child and keep the peer from ever seeing it
  // close.
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  posix_spawnattr_init(&attributes);
  // A new process group, so that stop() reaches grandchildren too; default
  // signal dispositions, so that a parent ignoring SIGPIPE leaks nothing.
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (rc != 0) {
    close_all();
    error = {rc, std::system_category()};
    return child;
  }
  // The child's ends are the child's now; the parent keeps its own.
  for (int* child_end : {&out_fds[1], &in_fds[0], &err_fds[1]}) {
    if (*child_end >= 0) ::close(*child_end);
  }
  child.pid_ = pid;
  add_group(pid);
  child.stdout_fd_ = out_fds[0];
  child.stdin_fd_ = in_fds[1];
  child.stderr_fd_ = err_fds[0];
  return child;
}

std::optional<std::string> ChildProcess::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (const auto newline = pending_.find('\n'); newline != std::string::npos) {
      std::string line = pending_.substr(0, newline);
      pending_.erase(0, newline + 1);
      return line;
    }
    if (stdout_fd_ < 0) return std::nullopt;
    pollfd readable{stdout_fd_, POLLIN, 0};
    const int ready = ::poll(&readable, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    char chunk[4096];
    const ssize_t n = ::read(stdout_fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(stdout_fd_);
      stdout_fd_ = -1;
      continue;
    }
    pending_.append(chunk, static_cast<std::size_t>(n));
  }
}

std::optional<std::uint16_t> ChildProcess::wait_listening(std::chrono::milliseconds timeout) {
  static constexpr std::string_view kPrefix = "listening on ";
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    const auto line = read_line(std::chrono::milliseconds(remaining_ms(deadline)));
    if (!line) return std::nullopt;
    if (!line->starts_with(kPrefix)) continue;
    if (const auto endpoint = parse_endpoint(std::string_view(*line).substr(kPrefix.size()))) {
      return endpoint->port;
    }
  }
  return std::nullopt;
}

bool ChildProcess::running() {
  if (pid_ <= 0 || wait_status_) return false;
  int status = 0;
  const pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
  if (reaped == pid_) {
    wait_status_ = status;
    return false;
  }
  return reaped == 0;
}

void ChildProcess::kill_all_groups() noexcept {
  for (std::atomic<pid_t>& slot : live_groups) {
    const pid_t group = slot.load();
    if (group > 0) ::kill(-group, SIGKILL);
  }
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return -1;
  if (wait_status_) return *wait_status_;
  ::kill(-pid_, SIGTERM);
  const auto deadline = Clock::now() + grace;
  while (running() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!wait_status_) {
    ::kill(-pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    wait_status_ = status;
  }
  // Reap the rest of the group's signal too: grandchildren of a shell.
  ::kill(-pid_, SIGKILL);
  return *wait_status_;
}

}  // namespace kv
