// multi-blocking: the main thread accepts; each connection gets its own
// thread running the shared blocking session. Concurrent, at the cost of
// one thread (and its stack) per connection; at most max_connections
// threads exist, and a connection accepted above that bound is closed at
// once. Finished threads are joined every tick; all are joined at stop.
#include <atomic>
#include <memory>
#include <system_error>
#include <thread>
#include <vector>

#include "servers/acceptor.h"
#include "servers/blocking_session.h"
#include "servers/server.h"

namespace kv {
namespace {

class WorkerPool {
 public:
  ~WorkerPool() { join_all(); }

  std::size_t size() const { return workers_.size(); }

  // Starts a thread serving `connection`. If no thread can be created the
  // connection is closed and the error returned; the server carries on.
  std::error_code start(UniqueFd connection, const ServerContext& context) {
    auto finished = std::make_shared<std::atomic<bool>>(false);
    // Room first, so that push_back below cannot throw with a running thread.
    if (workers_.size() == workers_.capacity()) workers_.reserve(2 * workers_.size() + 1);
    try {
      std::thread thread([socket = std::move(connection), &context, finished]() mutable {
        serve_blocking_connection(std::move(socket), context);
        finished->store(true, std::memory_order_release);
      });
      workers_.push_back({std::move(thread), std::move(finished)});
    } catch (const std::system_error& error) {
      return error.code();
    }
    return {};
  }

  // Joins the threads whose connection has ended.
  void reap() {
    std::erase_if(workers_, [](Worker& worker) {
      if (!worker.finished->load(std::memory_order_acquire)) return false;
      worker.thread.join();
      return true;
    });
  }

  void join_all() {
    for (Worker& worker : workers_) worker.thread.join();
    workers_.clear();
  }

 private:
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> finished;
  };
  std::vector<Worker> workers_;
};

}  // namespace

std::error_code run_multi_blocking(const ServerContext& context) {
  Acceptor acceptor(context.listener);
  WorkerPool workers;
  for (;;) {
    const WaitResult wait = wait_readable_or_stop(context.listener, context.stop, kBlockingTick);
    workers.reap();
    if (wait == WaitResult::kStopped) break;
    if (wait == WaitResult::kTimedOut) continue;
    accept_pending(acceptor, [&](UniqueFd connection) {
      // The pool counts finished threads not yet joined, so reap before
      // refusing. Above the bound the socket is closed right here, on return.
      if (workers.size() >= context.options.max_connections) workers.reap();
      if (workers.size() >= context.options.max_connections) return;
      // A failed start has already closed the connection, like the bound
      // above; the next one may well succeed, so there is nothing to undo.
      [[maybe_unused]] const std::error_code error = workers.start(std::move(connection), context);
    });
  }
  // Every session sees the stop request within one tick and returns.
  workers.join_all();
  return {};
}

}  // namespace kv
