#include "conformance/client/adapter_process.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstring>

#include "conformance/client/async_queue.h"

namespace kv {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;
namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// How much of a long line the wire log keeps.
constexpr std::size_t kLoggedLineBytes = 300;
// The readiness check's bound, in step timeouts (5 s x --timeout-scale
// each): 30 s at scale 1, for an interpreter or a JVM starting on a loaded
// machine.
constexpr int kStartupBoundFactor = 6;

std::string cut(std::string_view line) {
  if (line.size() <= kLoggedLineBytes) return std::string(line);
  return fmt::format("{}... ({} bytes)", line.substr(0, kLoggedLineBytes), line.size());
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

std::string expand_adapter_command(const std::string& command, const AdapterPlaceholders& values) {
  std::string expanded = replace_all(command, "{host}", values.host);
  expanded = replace_all(std::move(expanded), "{port}", std::to_string(values.port));
  expanded =
      replace_all(std::move(expanded), "{timeout_ms}", std::to_string(values.timeout.count()));
  return replace_all(std::move(expanded), "{max_frame_bytes}",
                     std::to_string(values.max_frame_bytes));
}

std::string describe_adapter_exit(int status) {
  // A shell that runs the adapter as its child reports the child's death
  // by signal N as exit status 128 + N.
  int signal = 0;
  if (WIFSIGNALED(status)) signal = WTERMSIG(status);
  if (WIFEXITED(status) && WEXITSTATUS(status) > 128 && WEXITSTATUS(status) < 128 + NSIG) {
    signal = WEXITSTATUS(status) - 128;
  }
  if (signal != 0)
    return fmt::format("the client crashed (signal {}, {})", signal, ::strsignal(signal));
  if (WIFEXITED(status))
    return fmt::format("the client exited with status {}", WEXITSTATUS(status));
  return fmt::format("the client ended with wait status {}", status);
}

struct AdapterProcess::Shared {
  explicit Shared(asio::any_io_executor executor)
      : in(executor), out(executor), err(executor), lines(executor) {}

  asio::posix::stream_descriptor in;
  asio::posix::stream_descriptor out;
  asio::posix::stream_descriptor err;
  AsyncQueue<std::string> lines;
  // The case's log; null once the case is over, so that coroutines still
  // winding down write nothing.
  WireLog* log = nullptr;
};

namespace {

// Splits what `stream` delivers into lines; calls on_line(line) for each
// and on_end() once the stream ends. Stops quietly once shared->log is null.
template <typename OnLine, typename OnEnd>
asio::awaitable<void> read_lines(std::shared_ptr<AdapterProcess::Shared> shared,
                                 asio::posix::stream_descriptor& stream, OnLine on_line,
                                 OnEnd on_end) {
  std::string pending;
  char chunk[16 * 1024];
  for (;;) {
    const auto [ec, n] = co_await stream.async_read_some(asio::buffer(chunk), kTuple);
    if (shared->log == nullptr) co_return;
    std::size_t searched = pending.size();
    pending.append(chunk, n);
    for (std::size_t newline = pending.find('\n', searched); newline != std::string::npos;
         newline = pending.find('\n')) {
      on_line(pending.substr(0, newline));
      pending.erase(0, newline + 1);
    }
    if (ec) {
      if (!pending.empty()) on_line(std::move(pending));
      on_end();
      co_return;
    }
  }
}

}  // namespace

AdapterProcess::AdapterProcess(ChildProcess child, std::shared_ptr<Shared> shared)
    : child_(std::move(child)), shared_(std::move(shared)) {}

AdapterProcess::~AdapterProcess() {
  shared_->log = nullptr;
  boost::system::error_code ignored;
  shared_->in.close(ignored);
  shared_->out.close(ignored);
  shared_->err.close(ignored);
}

std::unique_ptr<AdapterProcess> AdapterProcess::start(asio::any_io_executor executor,
                                                      const std::string& command, WireLog& log,
                                                      std::string& error) {
  std::error_code spawn_error;
  ChildProcess child = ChildProcess::spawn_shell(command, spawn_error, ChildStdio{true, true});
  if (spawn_error) {
    error = fmt::format("cannot start the adapter '{}': {}", command, spawn_error.message());
    return nullptr;
  }
  auto shared = std::make_shared<Shared>(executor);
  shared->log = &log;
  shared->in.assign(child.take_stdin_fd());
  shared->out.assign(child.take_stdout_fd());
  shared->err.assign(child.take_stderr_fd());
  log.info(0, fmt::format("adapter started (pid {}): {}", child.pid(), command));
  Shared* raw = shared.get();
  asio::co_spawn(executor,
                 read_lines(
                     shared, shared->out,
                     [raw](std::string line) {
                       raw->log->info(0, "adapter -> " + cut(line));
                       raw->lines.push(std::move(line));
                     },
                     [raw] {
                       raw->log->info(0, "adapter closed its stdout");
                       raw->lines.close();
                     }),
                 asio::detached);
  asio::co_spawn(
      executor,
      read_lines(
          shared, shared->err,
          [raw](const std::string& line) { raw->log->info(0, "adapter stderr: " + cut(line)); },
          [] {}),
      asio::detached);
  return std::unique_ptr<AdapterProcess>(new AdapterProcess(std::move(child), std::move(shared)));
}

asio::awaitable<Check> AdapterProcess::send(const AdapterCommand& command,
                                            std::chrono::milliseconds timeout) {
  if (!ready_) {
    if (Check not_ready = co_await await_ready(timeout * kStartupBoundFactor)) {
      co_return not_ready;
    }
    ready_ = true;
  }
  co_return co_await write_line(command, timeout);
}

asio::awaitable<Check> AdapterProcess::await_ready(std::chrono::milliseconds bound) {
  const auto started = std::chrono::steady_clock::now();
  AdapterCommand close;
  close.op = AdapterCommand::Op::kClose;
  if (Check written = co_await write_line(close, bound)) co_return written;
  const std::string expected = fmt::format(
      "the adapter answers its first command within {} ms of starting (a close, with no "
      "connection open, as a readiness check: {{\"result\":\"closed\"}})",
      bound.count());
  const AdapterEvent event = co_await next_event(bound);
  switch (event.kind) {
    case AdapterEvent::Kind::kTimeout:
      co_return fail_verdict(expected, "no result");
    case AdapterEvent::Kind::kExited:
      co_return fail_verdict(expected, event.text + ", without a result");
    case AdapterEvent::Kind::kGarbage:
      co_return fail_verdict(expected, event.text);
    case AdapterEvent::Kind::kResult:
      if (event.result.kind != AdapterResult::Kind::kClosed) {
        co_return fail_verdict(expected, "another result: " + describe(event.result));
      }
      break;
  }
  shared_->log->info(0, fmt::format("adapter ready after {} ms; the case starts",
                                    std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now() - started)
                                        .count()));
  co_return std::nullopt;
}

asio::awaitable<Check> AdapterProcess::write_line(const AdapterCommand& command,
                                                  std::chrono::milliseconds timeout) {
  const std::string line = to_json_line(command) + '\n';
  shared_->log->info(0, "adapter <- " + cut(std::string_view(line).substr(0, line.size() - 1)));
  asio::steady_timer deadline(co_await asio::this_coro::executor);
  deadline.expires_after(timeout);
  const auto outcome = co_await (asio::async_write(shared_->in, asio::buffer(line), kTuple) ||
                                 deadline.async_wait(kTuple));
  const std::string expected = "the adapter reads its command from stdin";
  if (outcome.index() == 1) {
    co_return fail_verdict(
        expected, fmt::format("the adapter did not read its stdin within {} ms", timeout.count()));
  }
  if (const auto [ec, n] = std::get<0>(outcome); ec) {
    const std::optional<int> status = co_await wait_exit(std::chrono::milliseconds(1000));
    co_return fail_verdict(expected, status ? describe_adapter_exit(*status)
                                            : "writing to its stdin failed: " + ec.message());
  }
  co_return std::nullopt;
}

asio::awaitable<AdapterEvent> AdapterProcess::next_event(std::chrono::milliseconds timeout) {
  AdapterEvent event;
  std::optional<std::string> line = co_await shared_->lines.pop(timeout);
  if (!line) {
    if (!shared_->lines.closed()) co_return event;  // kTimeout.
    event.kind = AdapterEvent::Kind::kExited;
    const std::optional<int> status = co_await wait_exit(std::chrono::milliseconds(1000));
    event.text =
        status ? describe_adapter_exit(*status) : "the client closed its stdout but did not exit";
    co_return event;
  }
  std::string error;
  if (auto result = parse_result(*line, error)) {
    event.kind = AdapterEvent::Kind::kResult;
    event.result = std::move(*result);
  } else {
    event.kind = AdapterEvent::Kind::kGarbage;
    event.text = fmt::format("a line that is not a result: {} ({})", cut(*line), error);
  }
  co_return event;
}

std::optional<std::string> AdapterProcess::exit_description() {
  if (child_.running()) return std::nullopt;
  const std::optional<int> status = child_.wait_status();
  return status ? describe_adapter_exit(*status) : "the client is not running";
}

asio::awaitable<std::optional<int>> AdapterProcess::wait_exit(std::chrono::milliseconds timeout) {
  asio::steady_timer tick(co_await asio::this_coro::executor);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (!child_.running()) co_return child_.wait_status();
    if (std::chrono::steady_clock::now() >= deadline) co_return std::nullopt;
    tick.expires_after(std::chrono::milliseconds(10));
    co_await tick.async_wait(kTuple);
  }
}

asio::awaitable<Check> AdapterProcess::finish(std::chrono::milliseconds grace, std::string& note) {
  boost::system::error_code ignored;
  shared_->in.close(ignored);
  std::optional<int> status = co_await wait_exit(grace);
  const bool killed = !status.has_value();
  if (killed) {
    ::kill(-child_.pid(), SIGKILL);
    status = co_await wait_exit(std::chrono::milliseconds(2000));
    note = fmt::format("the adapter did not exit within {} ms of the end of its stdin; killed",
                       grace.count());
  }
  child_.stop(std::chrono::milliseconds(0));  // Reaps, and ends any process left in its group.
  if (!killed && status) {
    const std::string how = describe_adapter_exit(*status);
    if (how.starts_with("the client crashed")) {
      co_return fail_verdict("the client never crashes", how);
    }
  }
  co_return std::nullopt;
}

}  // namespace kv
