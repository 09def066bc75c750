// kvbench --idle: opens connections and holds them without sending a
// byte, so that a server's memory per idle connection can be measured.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace kv {

// Closes every descriptor it holds when destroyed.
class IdleConnections {
 public:
  IdleConnections() = default;
  ~IdleConnections();
  IdleConnections(const IdleConnections&) = delete;
  IdleConnections& operator=(const IdleConnections&) = delete;

  void add(int fd) { fds_.push_back(fd); }
  std::size_t size() const { return fds_.size(); }

 private:
  std::vector<int> fds_;
};

// Blocks SIGINT and SIGTERM in the calling thread (call before starting
// other threads), so that wait_for_stop_signal() can take them.
void block_stop_signals();

// Waits until SIGINT or SIGTERM arrives or `limit` passes. Requires
// block_stop_signals() first.
void wait_for_stop_signal(std::chrono::nanoseconds limit);

}  // namespace kv
