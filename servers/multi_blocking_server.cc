// multi-blocking: the main thread accepts; each connection gets its own
// thread running the shared blocking session. Concurrent, at the cost of
// one thread (and its stack) per connection; the registry bounds the
// connections (SPEC 12.3). Finished threads are joined every tick. On
// SIGTERM the main thread stops accepting and waits while every session
// drains itself.
#include <atomic>
#include <memory>
#include <new>
#include <system_error>
#include <thread>
#include <vector>

#include "servers/acceptor.h"
#include "servers/blocking_session.h"
#include "servers/server.h"
#include "servers/sized_thread.h"

namespace kv {
namespace {

using Clock = Connection::Clock;

// The stack of each connection thread. A session's deepest path (a read
// through the 64 KiB stack buffer of read_into, or protobuf parsing) uses
// well under 128 KiB (servers/README.md says how this was measured);
// sanitizers make frames several times larger.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr std::size_t kConnectionStackBytes = std::size_t{1024} * 1024;
#else
constexpr std::size_t kConnectionStackBytes = std::size_t{256} * 1024;
#endif

class WorkerPool {
 public:
  std::size_t size() const { return workers_.size(); }

  // Starts a thread serving `connection`. If no thread can be created the
  // connection is closed and the error returned; the server carries on.
  std::error_code start(net::UniqueFd connection, ConnectionRegistry::Entry entry,
                        const ServerContext& context) {
    try {
      auto finished = std::make_shared<std::atomic<bool>>(false);
      // Room first, so that push_back below cannot throw with a running thread.
      if (workers_.size() == workers_.capacity()) workers_.reserve(2 * workers_.size() + 1);
      Worker worker{SizedThread(), finished};
      const std::error_code error = SizedThread::start(
          kConnectionStackBytes,
          [socket = std::move(connection), entry = std::move(entry), &context, finished]() mutable {
            serve_blocking_connection(std::move(socket), std::move(entry), context);
            finished->store(true, std::memory_order_release);
          },
          worker.thread);
      if (error) return error;
      workers_.push_back(std::move(worker));
    } catch (const std::bad_alloc&) {
      return std::make_error_code(std::errc::not_enough_memory);
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

 private:
  struct Worker {
    SizedThread thread;
    std::shared_ptr<std::atomic<bool>> finished;
  };
  // Destroyed (and so joined) in order at the end.
  std::vector<Worker> workers_;
};

}  // namespace

std::error_code run_multi_blocking(const ServerContext& context) {
  ServerLog& log = context.registry.log();
  Acceptor acceptor(context.listener.get(), log);
  WorkerPool workers;
  for (;;) {
    const WaitResult wait =
        wait_readable_or_stop(context.listener.get(), context.shutdown, kBlockingTick);
    workers.reap();
    context.registry.on_tick(Clock::now());
    if (wait == WaitResult::kStopped) break;
    if (wait == WaitResult::kTimedOut) continue;
    accept_pending(acceptor, [&](net::UniqueFd connection) {
      // A refused connection (logged by the registry) is closed on return.
      ConnectionRegistry::Entry entry = context.registry.admit(Clock::now());
      if (!entry) return;
      // A failed start has already closed the connection; the next one may
      // well succeed, so there is nothing to undo.
      if (workers.start(std::move(connection), std::move(entry), context)) {
        log.count(ConnectionEvent::kOutOfMemory, Clock::now());
      }
    });
  }
  // New clients are refused during the drain; every session drains itself
  // and ends by the end of the drain time, or at a second signal.
  context.listener.reset();
  while (workers.size() > 0) {
    std::this_thread::sleep_for(kBlockingTick / 4);
    workers.reap();
    context.registry.on_tick(Clock::now());
  }
  return {};
}

}  // namespace kv
