// kvbench --idle: opens connections and holds them without sending a
// byte, so that a server's memory per idle connection can be measured.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "net/unique_fd.h"

namespace kv {

// Owns the descriptors it holds: they close when it is destroyed.
class IdleConnections {
 public:
  void add(net::UniqueFd fd) { fds_.push_back(std::move(fd)); }
  std::size_t size() const { return fds_.size(); }

 private:
  std::vector<net::UniqueFd> fds_;
};

// Blocks SIGINT and SIGTERM in the calling thread (call before starting
// other threads), so that wait_for_stop_signal() can take them.
void block_stop_signals();

// Waits until SIGINT or SIGTERM arrives or `limit` passes. Requires
// block_stop_signals() first.
void wait_for_stop_signal(std::chrono::nanoseconds limit);

}  // namespace kv
