#include "conformance/engine/target.h"

#include <fmt/format.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "conformance/cases/case_helpers.h"

namespace kv {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

// How long a crashed server's process may take to be seen as exited.
constexpr std::chrono::milliseconds kExitGrace{500};
// How often a --target server is probed while kvconform waits for it to
// come back after it stopped answering.
constexpr std::chrono::milliseconds kRecoveryPoll{500};
// How often terminate() looks whether the server has exited.
constexpr std::chrono::milliseconds kExitPoll{5};

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

Target::Target(RunOptions options, std::string name)
    : options_(std::move(options)), name_(std::move(name)) {}

Target::Target(std::string command, RunOptions options)
    : options_(std::move(options)),
      command_(std::move(command)),
      supervisor_(std::make_unique<ServerSupervisor>(command_,
                                                     options_.scaled(std::chrono::seconds(10)))) {}

Target::~Target() {
  stop();
}

std::string Target::name() const {
  return supervisor_ ? supervisor_->command_line() : name_;
}

asio::awaitable<std::string> Target::start() {
  if (!supervisor_) co_return std::string();
  std::string error = co_await supervisor_->start();
  options_.endpoint = supervisor_->endpoint();
  co_return error;
}

asio::awaitable<std::string> Target::restart(std::string& note) {
  if (!supervisor_) co_return std::string();
  std::string error = co_await supervisor_->restart(note);
  options_.endpoint = supervisor_->endpoint();
  ++generation_;
  co_return error;
}

asio::awaitable<std::string> Target::recover(std::string& note) {
  if (supervisor_) {
    const std::string error = co_await restart(note);
    if (!error.empty()) co_return "the server could not be restarted: " + error;
    co_return std::string();
  }
  const auto window = options_.scaled(std::chrono::seconds(10));
  const auto deadline = Clock::now() + window;
  while (Clock::now() < deadline) {
    WireLog log;
    const Liveness alive = co_await check_liveness(log, "liveness/recovery");
    if (alive.alive) co_return std::string();
    co_await pause(kRecoveryPoll);
  }
  co_return fmt::format(
      "the server did not answer again within {} ms (kvconform restarts a server only when it "
      "starts it, with --exec)",
      window.count());
}

asio::awaitable<Target::DeathDescription> Target::describe_death(const std::string& problem) {
  if (!supervisor_)
    co_return DeathDescription{"stopped answering new connections (" + problem + ")"};
  for (auto waited = std::chrono::milliseconds(0); waited < kExitGrace;
       waited += std::chrono::milliseconds(20)) {
    if (supervisor_->exited()) break;
    co_await pause(std::chrono::milliseconds(20));
  }
  if (!supervisor_->exited()) {
    co_return DeathDescription{
        "stopped answering new connections while its process kept running (a wedge: " + problem +
        ")"};
  }
  const std::string said = supervisor_->output_tail();
  co_return DeathDescription{
      supervisor_->exit_description() + (said.empty() ? "" : "; it printed: " + said), true};
}

asio::awaitable<Liveness> Target::check_liveness(WireLog& log, std::string key) {
  Liveness result = co_await kv::check_liveness(options_, log, std::move(key));
  health_.record(result, generation_);
  co_return result;
}

asio::awaitable<TerminateOutcome> Target::terminate(const TerminateRequest& request) {
  TerminateOutcome out;
  if (!supervisor_) {
    out.error = "the server was not started by kvconform (--exec), so it cannot be signalled";
    co_return out;
  }
  const Clock::time_point start = Clock::now();
  out.error = supervisor_->signal_server(request.first_signal, out.unsupported);
  if (!out.error.empty()) co_return out;
  Clock::time_point last_signal = start;
  if (request.second_after) {
    if (!co_await wait_exit(start + *request.second_after)) {
      bool unsupported = false;
      out.error = supervisor_->signal_server(request.second_signal, unsupported);
      out.second_sent = out.error.empty();
      last_signal = Clock::now();
    }
  }
  out.exited = co_await wait_exit(last_signal + request.exit_within);
  if (out.exited) out.exit_ms = ms_since(start);
  out.exit_code = supervisor_->exit_code();
  out.exit_description = supervisor_->exit_description();
  if (request.restart) out.restart_error = co_await restart(out.port_note);
  co_return out;
}

asio::awaitable<bool> Target::wait_exit(std::chrono::steady_clock::time_point until) {
  while (!supervisor_->exited() && Clock::now() < until) co_await pause(kExitPoll);
  co_return supervisor_->exited();
}

void Target::stop() {
  if (supervisor_) supervisor_->stop();
}

std::unique_ptr<Target> Target::spare() const {
  if (!supervisor_) return nullptr;
  return std::make_unique<Target>(command_, options_);
}

}  // namespace kv
