#include "tools/kvbench/load_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "net/tcp_connect.h"
#include "tools/kvbench/idle_connections.h"
#include "tools/kvbench/load_worker.h"
#include "tools/kvbench/workload.h"

namespace kv {
namespace {

constexpr std::chrono::milliseconds kConnectTimeout{5000};

std::string describe_connect_error(const BenchConfig& config, std::uint64_t id,
                                   const std::error_code& error) {
  return fmt::format("connection {} to {}:{} failed: {}", id, config.host, config.port,
                     error.message());
}

// Opens one connection of the run: a non-blocking socket with TCP_NODELAY.
// On success `fd` is the caller's to close; -1 on failure.
std::error_code open_connection(const BenchConfig& config, int& fd) {
  net::UniqueFd socket;
  const std::error_code error =
      net::connect_tcp(Endpoint{config.host, config.port}, {kConnectTimeout, 0}, socket);
  fd = socket.release();
  return error;
}

void print_progress(const std::vector<std::unique_ptr<LoadWorker>>& workers, double seconds,
                    std::uint64_t& last_responses) {
  std::uint64_t responses = 0;
  std::uint64_t errors = 0;
  for (const auto& worker : workers) {
    responses += worker->published_responses();
    errors += worker->published_errors();
  }
  std::fprintf(stderr, "\r[%5.1f s] %10.0f responses/s  total %llu  errors %llu   ", seconds,
               static_cast<double>(responses - last_responses),
               static_cast<unsigned long long>(responses), static_cast<unsigned long long>(errors));
  std::fflush(stderr);
  last_responses = responses;
}

// Waits for the worker threads, printing progress each second if asked.
void supervise(std::vector<std::unique_ptr<LoadWorker>>& workers, std::vector<std::thread>& threads,
               const std::atomic<unsigned>& finished, bool progress) {
  const auto start = std::chrono::steady_clock::now();
  auto next_report = start + std::chrono::seconds(1);
  std::uint64_t last_responses = 0;
  while (finished.load() < threads.size()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (progress && std::chrono::steady_clock::now() >= next_report) {
      const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
      print_progress(workers, elapsed.count(), last_responses);
      next_report += std::chrono::seconds(1);
    }
  }
  for (auto& thread : threads) thread.join();
  if (progress) std::fputc('\n', stderr);
}

}  // namespace

LoadOutcome run_load(const BenchConfig& config, bool progress) {
  LoadOutcome outcome;
  const RequestTemplates templates(config.protocol, config.shape);
  std::vector<std::unique_ptr<LoadWorker>> workers;
  // Each worker gets an equal share of --requests.
  std::vector<std::uint64_t> request_limits(config.threads);
  for (unsigned t = 0; t < config.threads; ++t) {
    request_limits[t] = fair_share(config.requests, t, config.threads);
  }
  // Opening every connection before the clock starts keeps connection
  // set-up out of the measured interval.
  std::vector<int> fds(config.connections, -1);
  std::vector<std::error_code> errors(config.connections);
  for (std::uint64_t id = 0; id < config.connections; ++id) {
    errors[id] = open_connection(config, fds[id]);
    if (id == 0 && errors[id]) {
      outcome.failure = LoadFailure::kUnreachable;
      outcome.message = describe_connect_error(config, id, errors[id]);
      return outcome;
    }
  }
  const std::uint64_t start_ns = monotonic_ns();
  const std::uint64_t deadline_ns =
      config.requests != 0 ? UINT64_MAX
                           : start_ns + static_cast<std::uint64_t>(config.duration.count());
  for (unsigned t = 0; t < config.threads; ++t) {
    workers.push_back(
        std::make_unique<LoadWorker>(config, templates, request_limits[t], deadline_ns));
  }
  for (std::uint64_t id = 0; id < config.connections; ++id) {
    LoadWorker& worker = *workers[id % config.threads];
    if (errors[id]) {
      worker.add_connect_error(describe_connect_error(config, id, errors[id]));
    } else {
      worker.add_connection(fds[id], id);
    }
  }
  std::vector<std::error_code> worker_errors(config.threads);
  std::atomic<unsigned> finished{0};
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < config.threads; ++t) {
    threads.emplace_back([&, t] {
      worker_errors[t] = workers[t]->run();
      finished.fetch_add(1);
    });
  }
  supervise(workers, threads, finished, progress);
  std::uint64_t end_ns = start_ns;
  for (unsigned t = 0; t < config.threads; ++t) {
    if (worker_errors[t]) {
      outcome.failure = LoadFailure::kInternal;
      outcome.message = "event loop failed: " + worker_errors[t].message();
    }
    outcome.report.stats.merge(workers[t]->stats());
    end_ns = std::max(end_ns, workers[t]->finished_ns());
  }
  outcome.report.elapsed_seconds = static_cast<double>(end_ns - start_ns) / 1e9;
  return outcome;
}

LoadOutcome hold_idle_connections(const BenchConfig& config) {
  LoadOutcome outcome;
  block_stop_signals();
  IdleConnections held;
  for (std::uint64_t id = 0; id < config.connections; ++id) {
    int fd = -1;
    const std::error_code error = open_connection(config, fd);
    if (!error) {
      held.add(net::UniqueFd(fd));
      continue;
    }
    if (id == 0) {
      outcome.failure = LoadFailure::kUnreachable;
      outcome.message = describe_connect_error(config, id, error);
      return outcome;
    }
    outcome.report.stats.add_error(1, describe_connect_error(config, id, error));
  }
  std::printf("idle connections open: %zu\n", held.size());
  std::fflush(stdout);
  const std::uint64_t start_ns = monotonic_ns();
  wait_for_stop_signal(config.duration);
  outcome.report.elapsed_seconds = static_cast<double>(monotonic_ns() - start_ns) / 1e9;
  return outcome;
}

}  // namespace kv
