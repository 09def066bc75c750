// One kvbench thread: an epoll loop over its share of the connections.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "tools/kvbench/bench_config.h"
#include "tools/kvbench/bench_connection.h"
#include "tools/kvbench/issue_budget.h"
#include "tools/kvbench/request_templates.h"
#include "tools/kvbench/run_stats.h"

namespace kv {

class LoadWorker {
 public:
  // `request_limit` is this worker's share of --requests (0: none);
  // `deadline_ns` (CLOCK_MONOTONIC) ends the sending of new requests.
  LoadWorker(const BenchConfig& config, const RequestTemplates& templates,
             std::uint64_t request_limit, std::uint64_t deadline_ns);

  // Hands the worker a connected socket before run().
  void add_connection(int fd, std::uint64_t id);
  // Counts a connection that could not be opened as an error.
  void add_connect_error(const std::string& description);

  // Runs until no request is in flight and none will be sent; then every
  // connection is closed. Returns an error only if epoll itself fails.
  std::error_code run();

  const RunStats& stats() const { return stats_; }
  // When run() finished (CLOCK_MONOTONIC nanoseconds).
  std::uint64_t finished_ns() const { return finished_ns_; }
  // Counters for the live progress line, readable from any thread.
  std::uint64_t published_responses() const { return responses_.load(std::memory_order_relaxed); }
  std::uint64_t published_errors() const { return errors_.load(std::memory_order_relaxed); }

 private:
  void handle_event(std::uint32_t events, BenchConnection& connection, std::uint64_t now_ns);
  void update_interest(int epoll_fd, std::size_t index);
  void expire_all(std::uint64_t now_ns);
  bool done() const;
  void publish();
  // Runs `action` on `connection` and keeps open_ and in_flight_ current.
  template <typename Action>
  void tracked(BenchConnection& connection, Action&& action);

  const BenchConfig& config_;
  const RequestTemplates& templates_;
  IssueBudget budget_;
  std::uint64_t deadline_ns_;
  std::vector<std::unique_ptr<BenchConnection>> connections_;
  // Whether each connection is registered for EPOLLOUT.
  std::vector<bool> watching_output_;
  RunStats stats_;
  // Open connections, and requests in flight on them.
  std::uint64_t open_ = 0;
  std::uint64_t in_flight_ = 0;
  std::uint64_t finished_ns_ = 0;
  std::atomic<std::uint64_t> responses_{0};
  std::atomic<std::uint64_t> errors_{0};
};

// CLOCK_MONOTONIC in nanoseconds.
std::uint64_t monotonic_ns();

}  // namespace kv
