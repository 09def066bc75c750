// One closed-loop client connection: it keeps up to `pipeline` requests in
// flight, checks each response against the request it answers, and sends a
// replacement for every response while the budget allows.
//
// The connection owns the keys of the keyspace assigned to it (see
// workload.h) and remembers the stamp of the last PUT it sent for each, so
// that it knows exactly what every GET must return: responses come back in
// request order on one connection, and no other connection writes its keys.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "codec/buffer.h"
#include "tools/kvbench/bench_config.h"
#include "tools/kvbench/issue_budget.h"
#include "tools/kvbench/reply_reader.h"
#include "tools/kvbench/request_templates.h"
#include "tools/kvbench/run_stats.h"

namespace kv {

class BenchConnection {
 public:
  // Takes ownership of `fd`, a connected non-blocking socket. `id` is the
  // connection's index among all of the run's connections.
  BenchConnection(int fd, std::uint64_t id, const BenchConfig& config,
                  const RequestTemplates& templates);
  ~BenchConnection();
  BenchConnection(const BenchConnection&) = delete;
  BenchConnection& operator=(const BenchConnection&) = delete;

  int fd() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }
  std::uint64_t in_flight() const { return in_flight_; }
  // True while output is waiting for the socket to become writable.
  bool wants_write() const { return !output_.empty(); }

  // Queues requests up to the pipeline depth, as the budget allows, and
  // writes them.
  void fill_pipeline(std::uint64_t now_ns, IssueBudget& budget, RunStats& stats);
  // Reads what the socket has, checks every whole response, queues a
  // replacement for each while the budget allows, and writes.
  void on_readable(std::uint64_t now_ns, IssueBudget& budget, RunStats& stats);
  // Writes queued output.
  void on_writable(RunStats& stats);
  // Counts every in-flight request as timed out and closes the connection
  // if the oldest one was sent at least `timeout_ns` before `now_ns`.
  void expire(std::uint64_t now_ns, std::uint64_t timeout_ns, RunStats& stats);

 private:
  enum class Op : std::uint8_t { kPut, kGet };
  struct Pending {
    Op op = Op::kGet;
    std::uint64_t key_index = 0;
    // For a GET: the stamp its value must carry; 0 means a miss.
    std::uint64_t expected_stamp = 0;
    std::uint64_t sent_ns = 0;
  };

  void issue(std::uint64_t now_ns);
  void complete(const Reply& reply, std::uint64_t now_ns, RunStats& stats);
  std::string check(const Pending& request, const Reply& reply) const;
  void flush(RunStats& stats);
  // Counts the in-flight requests as errors and closes the socket.
  void fail(const std::string& description, RunStats& stats);
  void close_socket();
  std::uint64_t next_random();

  int fd_;
  std::uint64_t id_;
  const BenchConfig& config_;
  const RequestTemplates& templates_;
  std::unique_ptr<ReplyReader> reader_;
  Buffer output_;
  // A ring of the in-flight requests, oldest at head_.
  std::vector<Pending> ring_;
  std::uint64_t head_ = 0;
  std::uint64_t in_flight_ = 0;
  // The last stamp written to each owned key; 0 for never.
  std::vector<std::uint64_t> stamps_;
  std::uint64_t next_stamp_ = 1;
  std::uint64_t random_state_;
};

}  // namespace kv
