#include "conformance/explore/program_stream.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <cstdlib>
#include <exception>

namespace kv {

namespace {

namespace asio = boost::asio;

// Programs in flight against a concurrent server. Measured: with 4, the
// steps per second of one exploration rise about as much as the waits
// allow (conformance/README.md, "Where the time goes"), while the CPU the
// runner itself uses stays well below one core.
constexpr int kConcurrentPrograms = 4;

// A coroutine function, not a lambda: its parameters live in its frame.
asio::awaitable<ProgramStream::Finished> run_one(ProgramStream::Runner runner, Program program,
                                                std::uint64_t index) {
  ProgramStream::Finished finished;
  finished.run = co_await runner(program, index);
  finished.index = index;
  finished.program = std::move(program);
  co_return finished;
}

}  // namespace

int programs_at_once(Profile profile) {
  if (profile == Profile::kSequential) return 1;
  // For measurements only (conformance/explore/measure speed): the same
  // programs, fewer or more at a time.
  if (const char* at_once = std::getenv("KV_EXPLORE_PROGRAMS_AT_ONCE")) {
    return std::clamp(std::atoi(at_once), 1, 16);
  }
  return kConcurrentPrograms;
}

ProgramStream::ProgramStream(asio::any_io_executor executor, GeneratorConfig generator,
                             int at_once, Runner runner, std::uint64_t first)
    : executor_(executor),
      generator_(std::move(generator)),
      at_once_(static_cast<std::size_t>(std::max(1, at_once))),
      runner_(std::move(runner)),
      next_index_(first),
      state_(std::make_shared<State>(executor)) {}

ProgramStream::~ProgramStream() = default;

void ProgramStream::start(std::uint64_t index, Program program) {
  ++state_->running;
  state_->solo = stops_server(program);
  asio::co_spawn(executor_, run_one(runner_, std::move(program), index),
                 [state = state_](std::exception_ptr error, Finished finished) {
                   --state->running;
                   state->solo = false;
                   if (error) {
                     state->error = error;
                   } else {
                     state->done.push_back(std::move(finished));
                   }
                   state->wake.cancel();
                 });
}

asio::awaitable<std::optional<ProgramStream::Finished>> ProgramStream::next() {
  while (!paused_ && !state_->solo && state_->running < at_once_) {
    if (!pending_) pending_ = generate_program(generator_, next_index_);
    const bool solo = stops_server(*pending_);
    if (solo && state_->running > 0) break;
    start(next_index_++, std::move(*pending_));
    pending_.reset();
  }
  while (state_->done.empty()) {
    if (state_->error) std::rethrow_exception(std::exchange(state_->error, nullptr));
    if (state_->running == 0) co_return std::nullopt;
    state_->wake.expires_at(asio::steady_timer::time_point::max());
    co_await state_->wake.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  Finished finished = std::move(state_->done.front());
  state_->done.pop_front();
  co_return finished;
}

}  // namespace kv
